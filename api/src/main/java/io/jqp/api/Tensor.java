package io.jqp.api;

/**
 * An engine's float32 tensor handle: a node of the graph being built, not data. Strategies only
 * pass these to {@link GraphOps}; each engine supplies its own implementation.
 */
public interface Tensor {

  /**
   * Static shape; for activations the first axis is the batch and reads {@code -1} when unknown.
   */
  long[] shape();
}
