package io.jqp.api;

import java.util.List;
import java.util.Map;

/**
 * A network-level term of the training loss, built once the whole network exists from its weighted
 * layers and what the strategies at their sites published ({@link SiteContext#publish}); e.g.
 * DJPQ's BOPs cost, which couples each layer's weight bits with the previous layer's activation
 * bits and both layers' kept channels. Added to the recipe with {@link Recipe#withCost}.
 */
@FunctionalInterface
public interface CostTerm {

  /** The scalar to add to the loss (already weighted). */
  Tensor loss(GraphOps ops, List<Layer> layers);

  /**
   * A weighted layer, in build order.
   *
   * @param name layer name
   * @param kind layer kind
   * @param macs multiply-accumulates of one example through this layer (at the training input size)
   * @param weight what the strategies at the layer's weight site published, by key
   * @param activation what the strategies at the layer's activation site published (empty without
   *     one)
   */
  record Layer(
      String name,
      LayerKind kind,
      long macs,
      Map<String, Tensor> weight,
      Map<String, Tensor> activation) {}
}
