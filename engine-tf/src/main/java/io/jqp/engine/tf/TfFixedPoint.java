package io.jqp.engine.tf;

import io.jqp.api.GraphOps.StraightThrough;
import java.util.List;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.quantization.QuantizeAndDequantizeV4;
import org.tensorflow.types.TFloat32;

/**
 * The fixed-point quantizer's TensorFlow kernels (SPEC §1) for {@link TfGraphOps}: the fused kernel
 * for rounding half to even, and the straight-through node whose gradient {@link TfGradients}
 * registers (a clipped-gradient identity is one too, with q = x).
 */
final class TfFixedPoint {
  private TfFixedPoint() {}

  /**
   * Whether a quantizer's chain over a tensor of this shape is worth a compiled kernel: a batch of
   * activations (a dimension known only when fed) or a tensor of a million values or more.
   * Compiling one costs about a quarter of a second once per build; on a smaller weight tensor the
   * kernel saves too little per step to repay it within a run.
   */
  static boolean worthFusing(long @Nullable [] shape) {
    if (shape == null) {
      return true;
    }
    long n = 1;
    for (long s : shape) {
      if (s < 0) {
        return true;
      }
      n *= s;
    }
    return n >= 1L << 20;
  }

  /**
   * Whether {@link TfNativeKernels#quant} computes Q here: at most 24 bits (the integer bounds
   * exact in float), and d a scalar or one value per channel of x's last axis (every other axis of
   * d of size 1), as the chain's broadcast multiply reads it.
   */
  static boolean kernelApplies(long @Nullable [] xs, long @Nullable [] ds, int bits) {
    if (bits > 24 || ds == null) {
      return false;
    }
    if (ds.length == 0) {
      return true;
    }
    if (xs == null || ds.length > xs.length) {
      return false;
    }
    for (int i = 0; i < ds.length - 1; i++) {
      if (ds[i] != 1) {
        return false;
      }
    }
    long n = ds[ds.length - 1];
    return n == 1 || (n > 1 && xs[xs.length - 1] == n);
  }

  /**
   * The range [−2^(N−1−d), 2^(N−1−d) − 2^−d] of the fused kernel, or null where it does not apply:
   * truncation (no exact fused kernel: the composition, clip then a float → int32 → float cast),
   * more than 24 bits, unknown shapes or a per-channel d.
   */
  @SuppressWarnings("unchecked")
  static Operand<TFloat32> @Nullable [] halfEvenRange(
      Ops tf, io.jqp.api.Tensor x, io.jqp.api.Tensor d, int bits, boolean towardZero) {
    long[] xs = x.shape();
    long[] ds = d.shape();
    if (towardZero || bits > 24 || xs == null || ds == null || ds.length != 0) {
      return null;
    }
    Operand<TFloat32> dd = TfTensor.of(d);
    Operand<TFloat32> top = tf.math.pow(tf.constant(2f), tf.math.sub(tf.constant(bits - 1f), dd));
    Operand<TFloat32> lo = tf.math.neg(top);
    Operand<TFloat32> hi = tf.math.sub(top, tf.math.pow(tf.constant(2f), tf.math.neg(dd)));
    return new Operand[] {lo, hi};
  }

  /**
   * With rounding half to even, Q is TensorFlow's fused {@code QuantizeAndDequantizeV4} kernel (one
   * pass) with the range of {@link #halfEvenRange}: its scale comes out as exactly 2^d, so its
   * clamp, scale, round and rescale are the exact steps of Eq. 1. Its value takes the variant's
   * gradient path (TensorFlow 2.18's registered C++ gradient for it fails to build, and its
   * per-channel form refuses a vector range here).
   */
  static Operand<TFloat32> halfEven(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32>[] range, int bits) {
    return tf.quantization
        .quantizeAndDequantizeV4(
            x,
            range[0],
            range[1],
            QuantizeAndDequantizeV4.signedInput(true),
            QuantizeAndDequantizeV4.numBits((long) bits),
            QuantizeAndDequantizeV4.rangeGiven(true),
            QuantizeAndDequantizeV4.roundMode("HALF_TO_EVEN"),
            QuantizeAndDequantizeV4.narrowRange(false))
        .output();
  }

  /**
   * q's value with the variant's gradient to x, as one {@code IdentityN} node of (q, x) whose
   * output q is forwarded without a copy and whose registered gradient ({@link TfGradients}) is the
   * variant's: no forward pass at all, where the composition {@code q + (path −
   * stopGradient(path))} costs two passes over the values. Never in a compilation scope (the
   * gradient is built outside it).
   *
   * @param stoppedQ q behind a stopped gradient
   */
  static Operand<TFloat32> straightThrough(
      Ops base,
      Graph graph,
      Operand<TFloat32> stoppedQ,
      Operand<TFloat32> x,
      Operand<TFloat32> lo,
      Operand<TFloat32> hi,
      StraightThrough gradient) {
    boolean scalar = lo.shape().numDimensions() == 0 && hi.shape().numDimensions() == 0;
    BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> path =
        switch (gradient) {
          case CLIPPED ->
              (g, gt) ->
                  scalar ? g.clipByValue(gt, lo, hi) : g.math.minimum(g.math.maximum(gt, lo), hi);
          case ZERO_SATURATED ->
              (g, gt) ->
                  g.math.mul(
                      gt,
                      g.dtypes.cast(
                          g.math.logicalAnd(g.math.greaterEqual(x, lo), g.math.greaterEqual(hi, x)),
                          TFloat32.class));
          case IDENTITY -> (g, gt) -> gt;
        };
    return straightThrough(base, graph, stoppedQ, x, path);
  }

  /**
   * q's value with {@code path} (the gradient reaching x from q's gradient, built in a gradient
   * callback: it must read no shape) as its gradient to x; one {@code IdentityN} node of (q, x).
   */
  static Operand<TFloat32> straightThrough(
      Ops base,
      Graph graph,
      Operand<TFloat32> stoppedQ,
      Operand<TFloat32> x,
      BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> path) {
    org.tensorflow.op.core.IdentityN node = base.identityN(List.of(stoppedQ, x));
    TfGradients.recordStraightThrough(graph, node.op().name(), path);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> out = (Operand<TFloat32>) (Operand<?>) node.output().get(0);
    return out;
  }
}
