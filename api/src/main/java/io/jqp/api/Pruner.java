package io.jqp.api;

/**
 * Maps a site's tensor to its pruned value (the tensor times a mask) inside the graph. A pruner
 * should report its measured {@code sparsity} through the context.
 */
@FunctionalInterface
public interface Pruner {

  Tensor prune(GraphOps ops, Tensor x, SiteContext ctx);

  /** A pruner that prints as {@code name} (see {@link Quantizer#named}). */
  static Pruner named(String name, Pruner pruner) {
    return new Strategies.NamedPruner(Strategies.checkName(name), pruner);
  }

  /** The pruner that keeps every entry. */
  static Pruner none() {
    return Strategies.NO_PRUNER;
  }
}
