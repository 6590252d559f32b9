package io.jqp.engine.tf;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The random ops of one graph. They are stateless: their draws are a function of (seed, op, step)
 * only, so a resumed run draws what the uninterrupted one did; there is no generator state to save.
 */
final class TfRandom {
  private final long seed;
  private int ops;
  private @Nullable PlaceholderWithDefault<TInt64> step;

  TfRandom(long seed) {
    this.seed = seed;
  }

  /** The step that keys every random op of the graph, fed by the trainer (0 when not fed). */
  Operand<TInt64> step(Ops tf) {
    PlaceholderWithDefault<TInt64> s = step;
    if (s == null) {
      s = tf.withName("random_step").placeholderWithDefault(tf.constant(0L), Shape.scalar());
      step = s;
    }
    return s;
  }

  /** Whether any random op was built (then {@link #step} must be fed while training). */
  boolean used() {
    return step != null;
  }

  /** A fresh key [seed-and-op, step] for one stateless random op. */
  Operand<TInt64> key(Ops tf) {
    long opKey = seed * 1_000_003L + (++ops);
    return tf.stack(List.of(tf.constant(opKey), step(tf)));
  }

  /** Standard normal noise of v's shape, of size 1 along {@code sharedAxes}, without gradient. */
  Operand<TFloat32> normalNoise(Ops tf, Operand<TFloat32> v, int... sharedAxes) {
    int rank = v.shape().numDimensions();
    int[] ones = new int[rank];
    int[] keep = new int[rank];
    java.util.Arrays.fill(keep, 1);
    for (int a : sharedAxes) {
      keep[a] = 0;
    }
    for (int i = 0; i < rank; i++) {
      ones[i] = 1 - keep[i];
    }
    // shape = shape(x) * keep + (1 - keep): size 1 along the shared axes
    Operand<TInt32> shape =
        tf.math.add(tf.math.mul(tf.shape(v), tf.constant(keep)), tf.constant(ones));
    // no gradient flows into the sampler (TensorFlow registers none for it)
    return tf.stopGradient(tf.random.statelessRandomNormal(shape, key(tf)));
  }
}
