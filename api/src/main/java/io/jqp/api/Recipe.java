package io.jqp.api;

/**
 * Which strategies act at which sites of a network: one quantizer and one pruner for weights, one of each for
 * activations. Following JQP §3, the first and last layers are quantized but never pruned unless
 * {@code pruneFirstAndLast} is set.
 */
public record Recipe(Quantizer weightQuantizer, Pruner weightPruner, Quantizer activationQuantizer,
    Pruner activationPruner, boolean pruneFirstAndLast) {

  /** Full precision, nothing pruned. */
  public static Recipe fullPrecision() {
    return new Recipe(Quantizer.identity(), Pruner.none(), Quantizer.identity(), Pruner.none(), false);
  }

  public Recipe withWeightQuantizer(Quantizer q) {
    return new Recipe(q, weightPruner, activationQuantizer, activationPruner, pruneFirstAndLast);
  }

  public Recipe withWeightPruner(Pruner p) {
    return new Recipe(weightQuantizer, p, activationQuantizer, activationPruner, pruneFirstAndLast);
  }

  public Recipe withActivationQuantizer(Quantizer q) {
    return new Recipe(weightQuantizer, weightPruner, q, activationPruner, pruneFirstAndLast);
  }

  public Recipe withActivationPruner(Pruner p) {
    return new Recipe(weightQuantizer, weightPruner, activationQuantizer, p, pruneFirstAndLast);
  }

  public Recipe withPruneFirstAndLast(boolean prune) {
    return new Recipe(weightQuantizer, weightPruner, activationQuantizer, activationPruner, prune);
  }

  public Quantizer quantizerFor(Site site) {
    return site.kind() == SiteKind.WEIGHT ? weightQuantizer : activationQuantizer;
  }

  public Pruner prunerFor(Site site) {
    if (!pruneFirstAndLast && (site.isFirstLayer() || site.isLastLayer())) {
      return Pruner.none();
    }
    return site.kind() == SiteKind.WEIGHT ? weightPruner : activationPruner;
  }
}
