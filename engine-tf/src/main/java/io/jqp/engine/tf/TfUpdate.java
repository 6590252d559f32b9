package io.jqp.engine.tf;

import io.jqp.api.Update;
import org.tensorflow.op.Op;

/** The engine's {@link Update}: a graph op run as a target. */
public record TfUpdate(Op op) implements Update {
  static Op of(Update u) {
    if (u instanceof TfUpdate t) {
      return t.op;
    }
    throw new IllegalArgumentException(
        "not an update of the TensorFlow engine: " + u.getClass().getName());
  }
}
