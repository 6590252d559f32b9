package io.jqp.engine.tf;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A network architecture: builds the forward pass from the input with the layers of {@link
 * TfNetwork}. It is called twice per model (once to number the layers, once for real) and must
 * build the same layers both times.
 */
@FunctionalInterface
public interface TfModelDef {
  Operand<TFloat32> build(TfNetwork net, Operand<TFloat32> input);
}
