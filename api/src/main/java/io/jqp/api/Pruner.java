package io.jqp.api;

/**
 * Maps a site's tensor to its pruned value (the tensor times a mask) inside the graph. A pruner should report
 * its measured {@code sparsity} through the context.
 */
@FunctionalInterface
public interface Pruner {

  Tensor prune(GraphOps ops, Tensor x, SiteContext ctx);

  /** The pruner that keeps every entry. */
  static Pruner none() {
    return Strategies.NO_PRUNER;
  }
}
