package io.jqp.engine.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The custom gradient jqp registers: a straight-through node is an {@code IdentityN} of (q, x)
 * whose output q is the quantized value (or x itself, for a clipped-gradient identity) and whose
 * gradient goes to x along the variant recorded per graph and node name when the node was built; an
 * {@code IdentityN} without a record (anyone else's) gets its own gradient, each incoming gradient
 * passed through.
 */
final class TfGradients {
  private TfGradients() {}

  static final String STRAIGHT_THROUGH_OP = "IdentityN";

  /** The gradient reaching x from the incoming gradient g, per straight-through node. */
  private static final Map<
          Graph, Map<String, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>>>>
      PATHS = new WeakHashMap<>();

  private static boolean registered;

  static synchronized void ensureRegistered() {
    if (registered) {
      return;
    }
    boolean ok =
        TensorFlow.registerCustomGradient(
            STRAIGHT_THROUGH_OP, (tf, op, grads) -> straightThrough(tf, op, grads));
    if (!ok) {
      throw new IllegalStateException("could not register the gradient of " + STRAIGHT_THROUGH_OP);
    }
    registered = true;
  }

  /**
   * Records straight-through node {@code opName}'s gradient: {@code path} maps the gradient
   * arriving at its output q to the gradient of x, building its ops with the {@link Ops} it is
   * given (the gradient builder's, while the graph is locked: it must not ask an operand for its
   * shape or build through another {@link Ops}).
   */
  static synchronized void recordStraightThrough(
      Graph g, String opName, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> path) {
    PATHS.computeIfAbsent(g, k -> new ConcurrentHashMap<>()).put(opName, path);
  }

  @SuppressWarnings("unchecked")
  private static List<Operand<?>> straightThrough(
      Ops tf, GraphOperation op, List<org.tensorflow.Output<?>> grads) {
    BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> path;
    synchronized (TfGradients.class) {
      Map<String, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>>> m = PATHS.get(op.env());
      path = m == null ? null : m.get(op.name());
    }
    List<Operand<?>> out = new ArrayList<>(grads);
    if (path != null) {
      // q's input is a stopped gradient: what goes there is dropped, and never computed
      out.set(1, path.apply(tf, (Operand<TFloat32>) (Operand<?>) grads.get(0)));
    }
    return out;
  }
}
