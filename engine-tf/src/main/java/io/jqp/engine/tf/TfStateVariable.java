package io.jqp.engine.tf;

import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;
import io.jqp.api.Update;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** {@link StateVariable} backed by a graph variable; never trained, always checkpointed. */
record TfStateVariable(Ops tf, Variable<TFloat32> variable) implements StateVariable {
  @Override
  public Tensor read() {
    return new TfTensor(variable);
  }

  @Override
  public Update assign(Tensor value) {
    return new TfUpdate(tf.assign(variable, TfTensor.of(value)));
  }
}
