package io.jqp.engine.tf;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Custom gradients the C++ gradient registry lacks. A clipped-gradient identity is a {@code
 * DebugGradientIdentity} node (identity forward, nothing else in jqp uses it) whose registered
 * gradient clips the incoming values to bounds recorded per graph and node name when the node was
 * built.
 */
final class TfGradients {
  private TfGradients() {}

  static final String CLIP_GRADIENT_OP = "DebugGradientIdentity";

  /**
   * Bounds of one clipped-gradient node; {@code scalar} is decided when the node is built (see
   * {@link #clipped}).
   */
  private record Bounds(Operand<TFloat32> lo, Operand<TFloat32> hi, boolean scalar) {}

  private static final Map<Graph, Map<String, Bounds>> BOUNDS = new WeakHashMap<>();
  private static boolean registered;

  static synchronized void ensureRegistered() {
    if (registered) {
      return;
    }
    boolean ok =
        TensorFlow.registerCustomGradient(
            CLIP_GRADIENT_OP, (tf, op, grads) -> clipped(tf, op, grads));
    if (!ok) {
      throw new IllegalStateException("could not register the gradient of " + CLIP_GRADIENT_OP);
    }
    registered = true;
  }

  static synchronized void record(
      Graph g, String opName, Operand<TFloat32> lo, Operand<TFloat32> hi) {
    boolean scalar = lo.shape().numDimensions() == 0 && hi.shape().numDimensions() == 0;
    BOUNDS
        .computeIfAbsent(g, k -> new ConcurrentHashMap<>())
        .put(opName, new Bounds(lo, hi, scalar));
  }

  @SuppressWarnings("unchecked")
  private static List<Operand<?>> clipped(
      Ops tf, GraphOperation op, List<org.tensorflow.Output<?>> grads) {
    Operand<TFloat32> g = (Operand<TFloat32>) (Operand<?>) grads.get(0);
    Bounds b;
    synchronized (TfGradients.class) {
      Map<String, Bounds> m = BOUNDS.get(op.env());
      b = m == null ? null : m.get(op.name());
    }
    if (b == null) {
      return List.of(g);
    }
    // One kernel for per-tensor bounds; per-channel (vector) bounds broadcast through min/max. The
    // graph is
    // locked while gradients are built: asking an operand for its shape here would deadlock.
    if (b.scalar()) {
      return List.of(tf.clipByValue(g, b.lo(), b.hi()));
    }
    return List.of(tf.math.minimum(tf.math.maximum(g, b.lo()), b.hi()));
  }
}
