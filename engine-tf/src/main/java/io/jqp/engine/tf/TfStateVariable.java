package io.jqp.engine.tf;

import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;
import io.jqp.api.Update;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * {@link StateVariable} backed by a graph variable, always checkpointed; {@code read} is what the
 * forward pass uses (for a trainable parameter, the identity the optimizer's gradients are taken
 * against).
 */
record TfStateVariable(
    Ops tf, Variable<TFloat32> variable, org.tensorflow.Operand<TFloat32> reading)
    implements StateVariable {
  TfStateVariable(Ops tf, Variable<TFloat32> variable) {
    this(tf, variable, variable);
  }

  @Override
  public Tensor read() {
    return new TfTensor(reading);
  }

  @Override
  public Update assign(Tensor value) {
    return new TfUpdate(tf.assign(variable, TfTensor.of(value)));
  }
}
