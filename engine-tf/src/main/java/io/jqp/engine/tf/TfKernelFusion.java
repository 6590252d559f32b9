package io.jqp.engine.tf;

import io.jqp.api.GraphOps.StraightThrough;
import io.jqp.api.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What jqp's quantizer kernel ({@link TfNativeKernels}) takes in from around it: a pruning mask
 * ({@link TfGraphOps#mask}) right before it (prune, then quantize: Q(x·m)) or right after it
 * (quantize, then prune: Q(x)·m), and a ReLU right after it ({@link TfNetwork#relu}, where JQP §3
 * puts the activation site: after batch norm, before the non-linearity). Each is one element-wise
 * pass forward and one back less per site: the forward kernel computes the mask product, Q and the
 * ReLU per value, and the clipped straight-through gradient is one kernel for ReluGrad, the clip
 * and the mask's multiply. Where no quantizer acts on a pruned site (a pruning phase before
 * quantization starts), its mask, with the ReLU after an activation site, is one pass forward and
 * one back as well. The kernels compute the same products in the same order as TensorFlow's kernels
 * they stand for, so the same bits ({@code KernelFusionTest}); an unfused product, quantizer or
 * ReLU left behind in the graph runs only where something else reads it.
 */
final class TfKernelFusion {
  /** A mask product's operands. */
  private record Masked(Tensor x, Tensor mask) {}

  /** A quantizer output built by jqp's kernel: Q over x, with its mask and ReLU if fused. */
  private record Quantized(
      Tensor x,
      @Nullable Tensor mask,
      boolean maskFirst,
      boolean relu,
      boolean halfEven,
      Operand<TFloat32> scale,
      Operand<TFloat32> unscale,
      float lo,
      float hi,
      Tensor[] range,
      StraightThrough gradient) {
    Quantized with(@Nullable Tensor newMask, boolean first, boolean withRelu) {
      return new Quantized(
          x, newMask, first, withRelu, halfEven, scale, unscale, lo, hi, range, gradient);
    }
  }

  private final Map<String, Masked> masked = new HashMap<>();
  private final Map<String, Quantized> quantized = new HashMap<>();

  private static String key(Tensor t) {
    org.tensorflow.Output<TFloat32> out = TfTensor.of(t).asOutput();
    return out.op().name() + ":" + out.index();
  }

  /**
   * Whether {@code mask}'s shape, less its leading 1s, is x's trailing dimensions, all known (so
   * its values repeat along x, and cover whole rows of x's last axis).
   */
  static boolean repeatsAlong(long @Nullable [] x, long @Nullable [] mask) {
    if (x == null || mask == null) {
      return false;
    }
    int first = 0;
    while (first < mask.length && mask[first] == 1) {
      first++;
    }
    int tail = mask.length - first;
    if (tail == 0 || tail > x.length) {
      return false;
    }
    for (int i = 1; i <= tail; i++) {
      long m = mask[mask.length - i];
      if (m < 0 || m != x[x.length - i]) {
        return false;
      }
    }
    return true;
  }

  /** Records {@code product} = x·mask as a mask product a quantizer may take in. */
  void recordMask(Tensor product, Tensor x, Tensor mask) {
    if (repeatsAlong(x.shape(), mask.shape())) {
      masked.put(key(product), new Masked(x, mask));
    }
  }

  /**
   * Q(x) by jqp's kernel (truncation, or {@code halfEven}), taking in x's mask product where x is
   * one (not with a gradient zero where saturated: it reads the product); null when the kernel is
   * not loaded.
   */
  @Nullable Tensor quantize(
      TfGraphOps ops,
      Tensor x,
      boolean halfEven,
      Operand<TFloat32> scale,
      Operand<TFloat32> unscale,
      float lo,
      float hi,
      Tensor[] range,
      StraightThrough gradient) {
    Masked mp = gradient == StraightThrough.ZERO_SATURATED ? null : masked.get(key(x));
    Tensor input = mp == null ? x : mp.x();
    Tensor mask = mp == null ? null : mp.mask();
    return build(
        ops,
        new Quantized(input, mask, true, false, halfEven, scale, unscale, lo, hi, range, gradient));
  }

  /**
   * q·mask in q's kernel where q is Q(v) by jqp's kernel, unmasked and without a ReLU; else null.
   */
  @Nullable Tensor maskQuantized(TfGraphOps ops, Tensor q, Tensor mask) {
    Quantized qd = quantized.get(key(q));
    if (qd == null
        || qd.mask() != null
        || qd.relu()
        || qd.gradient() == StraightThrough.ZERO_SATURATED
        || !repeatsAlong(qd.x().shape(), mask.shape())) {
      return null;
    }
    return build(ops, qd.with(mask, false, false));
  }

  /**
   * relu(y) in y's kernel where y is Q by jqp's kernel with the clipped gradient and a scalar
   * range, unmasked or masked (where the mask comes after Q, the product's −0 becomes +0, which
   * TensorFlow's Relu gives in all but its scalar tail); relu(x·m) in one pass where y is a mask
   * product x·m that no quantizer took in; else null.
   */
  @Nullable Tensor relu(TfGraphOps ops, Tensor y) {
    Quantized qd = quantized.get(key(y));
    if (qd == null) {
      Masked mp = masked.get(key(y));
      return mp == null ? null : masked(ops, mp, true);
    }
    if (qd.relu() || qd.gradient() != StraightThrough.CLIPPED || !scalar(qd.range())) {
      return null;
    }
    return build(ops, qd.with(qd.mask(), qd.maskFirst(), true));
  }

  /**
   * x·mask by jqp's kernel where no quantizer takes x in, recorded as a mask product a quantizer or
   * ReLU after it may take in (the kernel's node then runs only where something else reads it); its
   * gradient the mask's multiply (the clip's kernel with unbounded clip, which changes no value).
   * Null when the kernel is not loaded or the mask does not repeat along x.
   */
  @Nullable Tensor mask(TfGraphOps ops, Tensor x, Tensor mask) {
    if (!repeatsAlong(x.shape(), mask.shape())) {
      return null;
    }
    Tensor y = masked(ops, new Masked(x, mask), false);
    if (y != null) {
      masked.put(key(y), new Masked(x, mask));
    }
    return y;
  }

  /**
   * x·m, or relu(x·m), in one pass (a pruning phase before quantization starts); the gradient in
   * one pass too: the mask's multiply, after ReluGrad. Null when the kernel is not loaded.
   */
  private static @Nullable Tensor masked(TfGraphOps ops, Masked mp, boolean relu) {
    Ops tf = ops.current();
    Operand<TFloat32> x = TfTensor.of(mp.x());
    Operand<TFloat32> m = TfTensor.of(mp.mask());
    Operand<TFloat32> y = TfNativeKernels.mask(tf, tf.stopGradient(x), m, relu);
    if (y == null) {
      return null;
    }
    Operand<TFloat32> lo = tf.constant(Float.NEGATIVE_INFINITY);
    Operand<TFloat32> hi = tf.constant(Float.POSITIVE_INFINITY);
    return new TfTensor(
        TfFixedPoint.straightThrough(
            ops.tf(),
            ops.graph(),
            tf.stopGradient(y),
            x,
            relu
                ? (g, gt) -> TfNativeKernels.clipReluGrad(g, gt, y, m, lo, hi, true)
                : (g, gt) -> TfNativeKernels.clipMaskGrad(g, gt, m, lo, hi, true)));
  }

  private static boolean scalar(Tensor[] range) {
    return TfTensor.of(range[0]).shape().numDimensions() == 0
        && TfTensor.of(range[1]).shape().numDimensions() == 0;
  }

  private @Nullable Tensor build(TfGraphOps ops, Quantized qd) {
    Ops tf = ops.current();
    Operand<TFloat32> x = TfTensor.of(qd.x());
    Operand<TFloat32> m = qd.mask() == null ? null : TfTensor.of(qd.mask());
    Operand<TFloat32> q =
        m == null
            ? TfNativeKernels.quant(
                tf,
                tf.stopGradient(x),
                qd.scale(),
                qd.unscale(),
                qd.lo(),
                qd.hi(),
                qd.halfEven(),
                qd.relu())
            : TfNativeKernels.maskedQuant(
                tf,
                tf.stopGradient(x),
                m,
                qd.scale(),
                qd.unscale(),
                qd.lo(),
                qd.hi(),
                qd.halfEven(),
                qd.maskFirst(),
                qd.relu());
    if (q == null) {
      return null;
    }
    Operand<TFloat32> rlo = TfTensor.of(qd.range()[0]);
    Operand<TFloat32> rhi = TfTensor.of(qd.range()[1]);
    Operand<TFloat32> out;
    if (m == null && !qd.relu()) {
      out =
          TfFixedPoint.straightThrough(
              ops.tf(), ops.graph(), tf.stopGradient(q), x, rlo, rhi, qd.gradient());
    } else {
      out =
          TfFixedPoint.straightThrough(
              ops.tf(), ops.graph(), tf.stopGradient(q), x, path(tf, qd, q, m, rlo, rhi));
    }
    Tensor result = new TfTensor(out);
    quantized.put(key(result), qd);
    return result;
  }

  /** The gradient to x through the fused mask and ReLU, built in the gradient callback. */
  private static BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> path(
      Ops tf,
      Quantized qd,
      Operand<TFloat32> q,
      @Nullable Operand<TFloat32> m,
      Operand<TFloat32> lo,
      Operand<TFloat32> hi) {
    if (qd.relu()) {
      Operand<TFloat32> one = m == null ? tf.constant(1f) : m;
      boolean first = m == null || qd.maskFirst();
      return (g, gt) -> TfNativeKernels.clipReluGrad(g, gt, q, one, lo, hi, first);
    }
    if (m == null) {
      throw new IllegalStateException("neither a mask nor a ReLU to fuse");
    }
    Operand<TFloat32> mask = m;
    boolean first = qd.maskFirst();
    boolean scalar = scalar(qd.range());
    return switch (qd.gradient()) {
      case IDENTITY -> (g, gt) -> g.math.mul(gt, mask);
      case CLIPPED ->
          scalar
              ? (g, gt) -> TfNativeKernels.clipMaskGrad(g, gt, mask, lo, hi, first)
              : first
                  ? (g, gt) -> g.math.mul(g.math.minimum(g.math.maximum(gt, lo), hi), mask)
                  : (g, gt) -> g.math.minimum(g.math.maximum(g.math.mul(gt, mask), lo), hi);
      case ZERO_SATURATED -> throw new IllegalStateException("a mask is not fused with it");
    };
  }
}
