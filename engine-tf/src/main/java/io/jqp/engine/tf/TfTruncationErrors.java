package io.jqp.engine.tf;

import io.jqp.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A d* search's candidate errors on jqp's kernels ({@link TfNativeKernels}): each scale's errors
 * value for value in one pass ({@code JqpTruncError}, the same bits as {@link
 * io.jqp.api.GraphOps#truncationErrors} composes), or every scale's summed per sample in one kernel
 * ({@code JqpTruncErrorSums}: each sample read once per candidate while it is in cache, with no
 * error tensor and no reduction after it), as a windowed search collects them. Null where the
 * kernel is not loaded or does not apply; the caller then composes them.
 */
final class TfTruncationErrors {
  private TfTruncationErrors() {}

  private static float top(int bits) {
    return (float) Math.pow(2, bits - 1);
  }

  static @Nullable List<Tensor> elementwise(Ops tf, Tensor x, int bits, double[] scales) {
    if (bits < 1 || bits > 24) {
      return null;
    }
    List<Tensor> out = new ArrayList<>();
    for (double s : scales) {
      Operand<TFloat32> e = TfNativeKernels.truncError(tf, TfTensor.of(x), (float) s, top(bits));
      if (e == null) {
        // not loaded or off on this thread: known at the first scale, before any kernel is made
        return null;
      }
      out.add(new TfTensor(e));
    }
    return out;
  }

  static @Nullable List<Tensor> perSample(
      Ops tf, Tensor x, int bits, double[] scales, boolean perChannel) {
    long[] shape = x.shape();
    long channels = shape == null || shape.length == 0 ? -1 : shape[shape.length - 1];
    if (bits < 1
        || bits > 24
        || shape == null
        || shape.length < (perChannel ? 2 : 1)
        || (perChannel && channels < 1)) {
      return null;
    }
    float[] s = new float[scales.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) scales[i];
    }
    Operand<TFloat32> sums =
        TfNativeKernels.truncErrorSums(tf, TfTensor.of(x), s, top(bits), perChannel);
    if (sums == null) {
      return null;
    }
    long[] to = perChannel ? new long[] {s.length, -1, channels} : new long[] {s.length, -1};
    Operand<TFloat32> shaped = tf.reshape(sums, tf.constant(to));
    List<Tensor> out = new ArrayList<>();
    for (Operand<TFloat32> one : tf.unstack(shaped, (long) s.length).output()) {
      out.add(new TfTensor(one));
    }
    return out;
  }
}
