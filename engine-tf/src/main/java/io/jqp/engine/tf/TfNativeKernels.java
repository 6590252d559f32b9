package io.jqp.engine.tf;

import io.jqp.api.JqpException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * jqp's own TensorFlow kernels ({@code engine-tf/src/main/native/jqp_ops.c}, built by Maven where a
 * C compiler is at hand): {@code JqpQuant}, the fixed-point quantizer with truncation in one pass
 * over the values, for the five element-wise kernels TensorFlow needs (it ships fused
 * fake-quantization only for rounding to nearest); {@code JqpMaskedQuant}, the same with a pruning
 * mask's multiply before or after it; either with the ReLU after it; and the straight-through
 * gradients through them ({@code JqpClipMaskGrad}, {@code JqpClipReluGrad}); a mask, with the ReLU
 * after it, where no quantizer acts ({@code JqpMask}); a d* search's candidate error ({@code
 * JqpTruncError}); a magnitude pruner's mask by selection ({@code JqpKeepLargest}). Their
 * arithmetic is that of TensorFlow's kernels they stand for, value for value ({@code
 * NativeKernelsTest}, {@code KernelFusionTest} compare the bits); {@link TfKernelFusion} decides
 * where they apply.
 *
 * <p>The system property {@code jqp.native} decides: {@code auto} (the default) loads the library
 * where it was built and TensorFlow's CPU build runs (the kernel has no GPU version: on the GPU
 * build the chain stays on the device); {@code true} requires it (an error when it cannot load);
 * {@code false} never loads it. It is read once, when the first quantizer is built.
 */
public final class TfNativeKernels {
  static final String PROPERTY = "jqp.native";
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TfNativeKernels.class);
  private static final String RESOURCE = "/io/jqp/engine/tf/native/libjqpops.so";

  /**
   * Threads of the kernels: they split a tensor of 2^17 values or more over up to this many, the
   * calling thread and TensorFlow's intra-op threads ({@code jqp_tfpool.cc}), or, where those
   * cannot be reached, a pool of jqp's own that lives as long as the process (they are memory
   * bound: on this project's 2-core machine two threads took about 0.5 ms for 1.6 M values where
   * one took 0.6 ms). Element-wise, so their values do not depend on the split.
   */
  private static final int THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

  private TfNativeKernels() {}

  private static final class Holder {
    static final boolean LOADED = load();
  }

  private static final ThreadLocal<Boolean> OFF = ThreadLocal.withInitial(() -> false);

  private static final ThreadLocal<Boolean> OWN_POOL = ThreadLocal.withInitial(() -> false);

  /**
   * Whether {@code JqpQuant} is registered in this process (loading the library once); a bad {@code
   * jqp.native} is a one-line error here, before the library is touched.
   */
  public static boolean available() {
    mode();
    return Holder.LOADED;
  }

  /** Whether builds on this thread may use jqp's kernels (loaded, and not turned off here). */
  static boolean onHere() {
    return !OFF.get() && available();
  }

  /** {@code jqp.native}: auto, true or false. */
  static String mode() {
    String mode = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("true") && !mode.equals("false")) {
      throw new JqpException(
          "system property "
              + PROPERTY
              + " must be true, false or auto, got '"
              + mode
              + "'; fix -D"
              + PROPERTY
              + " (e.g. in JQP_JAVA_OPTS)");
    }
    return mode;
  }

  /**
   * Builds on this thread use TensorFlow's kernels only ({@code true}: to compare against them, or
   * to test the compiled scopes that wrap their chain) or again may use jqp's.
   */
  static void offOnThisThread(boolean off) {
    OFF.set(off);
  }

  /**
   * Builds {@code body}'s graph with kernels that split their values over jqp's own pool of threads
   * ({@code ownPool}) instead of TensorFlow's intra-op threads (the default, {@code
   * jqp_tfpool.cc}), to time one against the other in one process ({@code jqp bench --step-arms
   * wa-ownpool}). The values are the same either way.
   */
  public static <T> T ownPoolDuring(boolean ownPool, java.util.function.Supplier<T> body) {
    boolean old = OWN_POOL.get();
    OWN_POOL.set(ownPool);
    try {
      return body.get();
    } finally {
      OWN_POOL.set(old);
    }
  }

  /**
   * Whether jqp's kernels split their work over TensorFlow's intra-op threads in this process (a
   * session's answer from the {@code JqpTfPool} op); false where the library is not loaded.
   */
  public static boolean onTensorFlowThreads() {
    if (!available()) {
      return false;
    }
    try (org.tensorflow.Graph g = new org.tensorflow.Graph();
        org.tensorflow.Session s = new org.tensorflow.Session(g)) {
      Operation op = Ops.create(g).scope().opBuilder("JqpTfPool", "JqpTfPool").build();
      try (org.tensorflow.Result r = s.runner().fetch(op.output(0)).run()) {
        return ((TFloat32) r.get(0)).getFloat() == 1f;
      }
    }
  }

  /**
   * A builder of one of jqp's element-wise kernels, with how they split their work: over up to
   * {@link #THREADS} threads, TensorFlow's or jqp's own ({@link #ownPoolDuring}).
   */
  private static org.tensorflow.OperationBuilder threaded(Ops tf, String op) {
    return tf.scope()
        .opBuilder(op, op)
        .setAttr("threads", (long) THREADS)
        .setAttr("tf_pool", !OWN_POOL.get());
  }

  private static boolean load() {
    String mode = mode();
    if (mode.equals("false")) {
      return false;
    }
    boolean required = mode.equals("true");
    if (!required
        && TensorFlow.class.getResource("/org/tensorflow/internal/c_api/linux-x86_64-gpu/")
            != null) {
      LOG.info("TensorFlow's GPU build: jqp's CPU kernel for truncation is not used");
      return false;
    }
    try (InputStream in = TfNativeKernels.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return unavailable(
            required, "it was not built (no C compiler when Maven built the engine)");
      }
      Path file = Files.createTempFile("jqp-ops-", ".so");
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      TensorFlow.loadLibrary(file.toString());
      return true;
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      return unavailable(required, "it did not load: " + e.getMessage());
    }
  }

  private static boolean unavailable(boolean required, String why) {
    if (required) {
      throw new JqpException(
          "-D"
              + PROPERTY
              + "=true, but jqp's kernel library is missing: "
              + why
              + "; install a C compiler (cc) and rebuild, or drop -D"
              + PROPERTY);
    }
    LOG.debug("jqp's kernel library is not used: {}", why);
    return false;
  }

  /**
   * Q, clip(trunc(x·scale), lo, hi)·unscale ({@code halfEven}: rounding half to even instead of
   * truncation; with {@code relu}: then max(·, 0), as TensorFlow's Relu), in one pass; null when
   * the kernel is not loaded. {@code scale} (2^d) and {@code unscale} (2^−d) are scalars, or one
   * value per channel of x's last axis.
   */
  static @Nullable Operand<TFloat32> quant(
      Ops tf,
      Operand<TFloat32> x,
      Operand<TFloat32> scale,
      Operand<TFloat32> unscale,
      float lo,
      float hi,
      boolean halfEven,
      boolean relu) {
    if (OFF.get() || !available()) {
      return null;
    }
    Operation op =
        threaded(tf, "JqpQuant")
            .addInput(x.asOutput())
            .addInput(scale.asOutput())
            .addInput(unscale.asOutput())
            .setAttr("lo", lo)
            .setAttr("hi", hi)
            .setAttr("relu", relu)
            .setAttr("half_even", halfEven)
            .build();
    return op.output(0);
  }

  /**
   * Q ({@link #quant}) and a mask in one pass: Q(x·mask) ({@code maskFirst}: prune, then quantize)
   * or Q(x)·mask, with {@code relu} then max(·, 0) (only with {@code maskFirst}); null when the
   * kernel is not loaded. {@code mask} has x's trailing dimensions.
   */
  static @Nullable Operand<TFloat32> maskedQuant(
      Ops tf,
      Operand<TFloat32> x,
      Operand<TFloat32> mask,
      Operand<TFloat32> scale,
      Operand<TFloat32> unscale,
      float lo,
      float hi,
      boolean halfEven,
      boolean maskFirst,
      boolean relu) {
    if (OFF.get() || !available()) {
      return null;
    }
    Operation op =
        threaded(tf, "JqpMaskedQuant")
            .addInput(x.asOutput())
            .addInput(mask.asOutput())
            .addInput(scale.asOutput())
            .addInput(unscale.asOutput())
            .setAttr("lo", lo)
            .setAttr("hi", hi)
            .setAttr("mask_first", maskFirst)
            .setAttr("relu", relu)
            .setAttr("half_even", halfEven)
            .build();
    return op.output(0);
  }

  /**
   * x·mask in one pass, as TensorFlow's Mul computes it, with {@code relu} then max(·, 0) as its
   * Relu (−0 as +0): a pruning mask where no quantizer acts; null when the kernel is not loaded.
   * {@code mask} has x's trailing dimensions. Its gradient is {@link #clipMaskGrad} or {@link
   * #clipReluGrad} with unbounded clip.
   */
  static @Nullable Operand<TFloat32> mask(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> mask, boolean relu) {
    if (OFF.get() || !available()) {
      return null;
    }
    Operation op =
        threaded(tf, "JqpMask")
            .addInput(x.asOutput())
            .addInput(mask.asOutput())
            .setAttr("relu", relu)
            .build();
    return op.output(0);
  }

  /**
   * A d* search's candidate error in one pass, (min(floor(|x|·scale), bound) − |x|·scale)² with
   * bound 2^(N−1) − 1 for x ≥ 0 and 2^(N−1) below ({@code top} = 2^(N−1), N ≤ 24): the squared
   * error of truncating x·scale to an N-bit integer, as {@link
   * io.jqp.api.GraphOps#truncationErrors} composes it; null when the kernel is not loaded.
   */
  static @Nullable Operand<TFloat32> truncError(
      Ops tf, Operand<TFloat32> x, float scale, float top) {
    if (OFF.get() || !available()) {
      return null;
    }
    Operation op =
        threaded(tf, "JqpTruncError")
            .addInput(x.asOutput())
            .setAttr("scale", scale)
            .setAttr("top", top)
            .build();
    return op.output(0);
  }

  /**
   * Every candidate's {@link #truncError} summed per sample of the batch x (per sample and channel
   * of x's last axis, {@code perChannel}) in one kernel, [R, B] or [R, B, C] for R {@code scales};
   * the sums are kept in double and added in a fixed order. Null when the kernel is not loaded.
   */
  static @Nullable Operand<TFloat32> truncErrorSums(
      Ops tf, Operand<TFloat32> x, float[] scales, float top, boolean perChannel) {
    if (OFF.get() || !available()) {
      return null;
    }
    Operation op =
        threaded(tf, "JqpTruncErrorSums")
            .addInput(x.asOutput())
            .addInput(tf.constant(scales).asOutput())
            .setAttr("top", top)
            .setAttr("per_channel", perChannel)
            .build();
    return op.output(0);
  }

  /**
   * A magnitude pruner's mask in one kernel: 1 at the {@code k} largest of {@code importance}
   * (clamped to [0, n]; equal values by lower index, the set TensorFlow's {@code TopK} selects), 0
   * elsewhere, in {@code importance}'s shape; found by selection in O(n) instead of {@code TopK}'s
   * O(n log k). NaN counts as larger than every number (a diverged run's importance, which {@code
   * TopK} orders arbitrarily). Null when the kernel is not loaded.
   */
  static @Nullable Operand<TFloat32> keepLargest(
      Ops tf, Operand<TFloat32> importance, Operand<org.tensorflow.types.TInt32> k) {
    if (OFF.get() || !available()) {
      return null;
    }
    Operation op =
        tf.scope()
            .opBuilder("JqpKeepLargest", "JqpKeepLargest")
            .addInput(importance.asOutput())
            .addInput(k.asOutput())
            .build();
    return op.output(0);
  }

  /**
   * The clipped straight-through gradient through a mask in one pass: clip(g, lo, hi)·mask ({@code
   * maskFirst}) or clip(g·mask, lo, hi); {@code lo} and {@code hi} scalars. Built in a gradient
   * callback: it reads no shape. Only where {@link #maskedQuant} built the forward node.
   */
  static Operand<TFloat32> clipMaskGrad(
      Ops tf,
      Operand<TFloat32> g,
      Operand<TFloat32> mask,
      Operand<TFloat32> lo,
      Operand<TFloat32> hi,
      boolean maskFirst) {
    Operation op =
        threaded(tf, "JqpClipMaskGrad")
            .addInput(g.asOutput())
            .addInput(mask.asOutput())
            .addInput(lo.asOutput())
            .addInput(hi.asOutput())
            .setAttr("mask_first", maskFirst)
            .build();
    return op.output(0);
  }

  /**
   * The clipped straight-through gradient through a fused ReLU and a mask in one pass: with t =
   * g·(y &gt; 0 ? 1 : 0) (TensorFlow's ReluGrad), clip(t, lo, hi)·mask ({@code maskFirst}: the mask
   * multiplied x before Q) or clip(t·mask, lo, hi), each product in TensorFlow's order; y is the
   * fused kernel's output, {@code mask} a scalar 1 where there is none. Built in a gradient
   * callback.
   */
  static Operand<TFloat32> clipReluGrad(
      Ops tf,
      Operand<TFloat32> g,
      Operand<TFloat32> y,
      Operand<TFloat32> mask,
      Operand<TFloat32> lo,
      Operand<TFloat32> hi,
      boolean maskFirst) {
    Operation op =
        threaded(tf, "JqpClipReluGrad")
            .addInput(g.asOutput())
            .addInput(y.asOutput())
            .addInput(mask.asOutput())
            .addInput(lo.asOutput())
            .addInput(hi.asOutput())
            .setAttr("mask_first", maskFirst)
            .build();
    return op.output(0);
  }
}
