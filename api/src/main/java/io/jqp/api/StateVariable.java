package io.jqp.api;

/**
 * Strategy state kept in the graph (masks, fractional bits, windows, flags): saved in checkpoints
 * with the weights and never copied to the host during a training step.
 */
public interface StateVariable {

  /** The current value, as a tensor of the graph. */
  Tensor read();

  /** An update that stores {@code value} (same shape) when run. */
  Update assign(Tensor value);
}
