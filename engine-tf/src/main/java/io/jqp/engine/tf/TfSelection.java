package io.jqp.engine.tf;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The graph ops of {@link TfGraphOps} that select, order and place values rather than compute
 * element-wise: magnitude masks by selection, sorting and quantiles, ring-buffer writes and tiling
 * an activation mask. Each builds on the {@link Ops} it is given (a compilation scope's or the
 * graph's).
 */
final class TfSelection {

  /** A ring write's rows and their positions in the buffer. */
  record Ring(Operand<TInt32> positions, Operand<TFloat32> kept) {}

  private TfSelection() {}

  /**
   * The 0/1 mask of the {@code keep} largest importances (ties to the lower index; {@code keep}
   * clamped to [0, n]), in the importances' static {@code shape}.
   *
   * @param nativeAllowed whether jqp's kernel may be used (not inside a compilation scope: XLA
   *     cannot compile it)
   */
  static Operand<TFloat32> keepLargest(
      Ops tf,
      Operand<TFloat32> importance,
      Operand<TFloat32> keep,
      long[] shape,
      boolean nativeAllowed) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    Operand<TInt32> k =
        tf.dtypes.cast(tf.clipByValue(keep, tf.constant(0f), tf.constant((float) n)), TInt32.class);
    // jqp's kernel selects the same set in O(n) (fc1's 401 K weights: TopK 36 ms, it ~3 ms)
    Operand<TFloat32> selected =
        nativeAllowed ? TfNativeKernels.keepLargest(tf, importance, k) : null;
    if (selected != null) {
      return selected;
    }
    Operand<TFloat32> flat = tf.reshape(importance, tf.constant(new long[] {n}));
    // unsorted: the same set (TensorFlow selects under value, then lower index, as a total order)
    // without sorting it after, which halves the kernel's time on fc1's 401 K weights (70 -> 36 ms)
    Operand<TInt32> idx = tf.nn.topK(flat, k, new TopK.Options[] {TopK.sorted(false)}).indices();
    Operand<TInt32> idx2 = tf.expandDims(idx, tf.constant(1));
    Operand<TFloat32> ones = tf.fill(tf.expandDims(k, tf.constant(0)), tf.constant(1f));
    Operand<TFloat32> mask = tf.scatterNd(idx2, ones, tf.constant(new int[] {(int) n}));
    return tf.reshape(mask, tf.constant(shape));
  }

  /** The last min(B, T) of B rows and their positions (start + i) mod T in a T-row buffer. */
  static Ring ring(Ops tf, long t, Operand<TFloat32> rows, Operand<TFloat32> start) {
    Operand<TInt32> b =
        tf.slice(tf.shape(rows), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<TInt32> bs = tf.reshape(b, tf.constant(new int[0]));
    Operand<TInt32> take = tf.math.minimum(bs, tf.constant((int) t));
    Operand<TInt32> first = tf.math.sub(bs, take);
    Operand<TInt32> idx = tf.range(first, bs, tf.constant(1));
    Operand<TFloat32> kept = tf.gather(rows, idx, tf.constant(0));
    Operand<TInt32> s0 = tf.dtypes.cast(start, TInt32.class);
    Operand<TInt32> pos = tf.math.floorMod(tf.math.add(idx, s0), tf.constant((int) t));
    return new Ring(pos, kept);
  }

  /**
   * A mask of shape {@code maskShape} tiled over the activation's non-batch dimensions, centred,
   * the border it does not cover padded with ones.
   */
  static Operand<TFloat32> tileCentered(
      Ops tf, Operand<TFloat32> mask, long[] maskShape, Operand<TFloat32> activation) {
    int r = maskShape.length;
    Operand<TInt32> target =
        tf.slice(tf.shape(activation), tf.constant(new int[] {1}), tf.constant(new int[] {r}));
    int[] mi = new int[r];
    for (int i = 0; i < r; i++) {
      mi[i] = (int) maskShape[i];
    }
    Operand<TInt32> ms = tf.constant(mi);
    Operand<TInt32> reps = tf.math.floorDiv(target, ms);
    Operand<TFloat32> tiled = tf.tile(mask, reps);
    Operand<TInt32> total = tf.math.sub(target, tf.math.mul(ms, reps));
    Operand<TInt32> before = tf.math.floorDiv(total, tf.constant(2));
    Operand<TInt32> after = tf.math.sub(total, before);
    Operand<TInt32> paddings =
        tf.stack(List.of(before, after), org.tensorflow.op.core.Stack.axis(1L));
    return tf.pad(tiled, paddings, tf.constant(1f));
  }

  /** The values in ascending order, as a vector. */
  static Operand<TFloat32> sortFlat(Ops tf, Operand<TFloat32> x, long n) {
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {n}));
    // TopK of the negated values sorts ascending.
    Operand<TFloat32> top =
        tf.nn.topK(tf.math.neg(flat), tf.constant((int) n), new TopK.Options[0]).values();
    return tf.math.neg(top);
  }

  /** The q-quantile of all values, linear between the two nearest order statistics. */
  static Operand<TFloat32> quantile(Ops tf, Operand<TFloat32> x, double q) {
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1}));
    Operand<TInt32> n =
        tf.reshape(
            tf.slice(tf.shape(flat), tf.constant(new int[] {0}), tf.constant(new int[] {1})),
            tf.constant(new int[0]));
    Operand<TFloat32> sorted =
        tf.math.neg(tf.nn.topK(tf.math.neg(flat), n, new TopK.Options[0]).values());
    Operand<TFloat32> last = tf.dtypes.cast(tf.math.sub(n, tf.constant(1)), TFloat32.class);
    Operand<TFloat32> pos = tf.math.mul(tf.constant((float) q), last);
    Operand<TFloat32> lo = tf.math.floor(pos);
    Operand<TFloat32> frac = tf.math.sub(pos, lo);
    Operand<TInt32> i = tf.dtypes.cast(lo, TInt32.class);
    Operand<TInt32> j =
        tf.math.minimum(tf.math.add(i, tf.constant(1)), tf.math.sub(n, tf.constant(1)));
    Operand<TFloat32> a = tf.gather(sorted, i, tf.constant(0));
    Operand<TFloat32> b = tf.gather(sorted, j, tf.constant(0));
    return tf.math.add(a, tf.math.mul(frac, tf.math.sub(b, a)));
  }
}
