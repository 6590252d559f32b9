package io.jqp.api;

import java.util.List;

/**
 * One place in a network where a quantizer and a pruner act: the weights of a layer, or the
 * activations it produces. For activations {@code shape} is the shape of one sample (e.g. H×W×C,
 * without the batch axis).
 *
 * @param layer layer name, unique in its network (e.g. {@code conv2})
 * @param layerKind kind of the owning layer
 * @param kind weight or activation
 * @param shape tensor shape (one sample for activations)
 * @param layerIndex position of the owning layer among the network's weighted layers, from 0
 * @param layerCount number of weighted layers in the network
 */
public record Site(
    String layer,
    LayerKind layerKind,
    SiteKind kind,
    List<Long> shape,
    int layerIndex,
    int layerCount) {

  public Site {
    if (layer.isBlank()) {
      throw new IllegalArgumentException("site layer name must not be blank");
    }
    shape = List.copyOf(shape);
    for (Long d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "site "
                + layer
                + "/"
                + kind.label()
                + " has a non-positive or unknown dimension: "
                + shape);
      }
    }
    if (layerIndex < 0 || layerIndex >= layerCount) {
      throw new IllegalArgumentException(
          "layerIndex must be in [0, " + layerCount + "), got " + layerIndex);
    }
  }

  /**
   * {@code layer/weight} or {@code layer/activation}: the name used in logs, state variables and
   * reports.
   */
  public String name() {
    return layer + "/" + kind.label();
  }

  /** Number of elements (of one sample, for activations). */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  public boolean isFirstLayer() {
    return layerIndex == 0;
  }

  public boolean isLastLayer() {
    return layerIndex == layerCount - 1;
  }

  @Override
  public String toString() {
    return name() + shape;
  }
}
