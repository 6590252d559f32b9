package io.jqp.engine.tf;

import io.jqp.api.Tensor;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** The engine's {@link Tensor}: a float32 operand of the graph being built. */
public record TfTensor(Operand<TFloat32> operand) implements Tensor {

  @Override
  public long[] shape() {
    return operand.shape().asArray();
  }

  static Operand<TFloat32> of(Tensor t) {
    if (t instanceof TfTensor tf) {
      return tf.operand;
    }
    throw new IllegalArgumentException(
        "not a tensor of the TensorFlow engine: " + t.getClass().getName());
  }
}
