package io.jqp.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Which strategies act at which sites of a network: one quantizer and one pruner for weights, one
 * of each for activations, and per-layer {@link SiteRule}s that override them (the last matching
 * rule wins). Following JQP §3, the first and last layers are quantized but never pruned unless
 * {@code pruneFirstAndLast} is set or a rule names them.
 */
public record Recipe(
    Quantizer weightQuantizer,
    Pruner weightPruner,
    Quantizer activationQuantizer,
    Pruner activationPruner,
    boolean pruneFirstAndLast,
    List<SiteRule> rules,
    List<CostTerm> costs) {

  public Recipe {
    rules = List.copyOf(rules);
    costs = List.copyOf(costs);
  }

  public Recipe(
      Quantizer weightQuantizer,
      Pruner weightPruner,
      Quantizer activationQuantizer,
      Pruner activationPruner,
      boolean pruneFirstAndLast,
      List<SiteRule> rules) {
    this(
        weightQuantizer,
        weightPruner,
        activationQuantizer,
        activationPruner,
        pruneFirstAndLast,
        rules,
        List.of());
  }

  public Recipe(
      Quantizer weightQuantizer,
      Pruner weightPruner,
      Quantizer activationQuantizer,
      Pruner activationPruner,
      boolean pruneFirstAndLast) {
    this(
        weightQuantizer,
        weightPruner,
        activationQuantizer,
        activationPruner,
        pruneFirstAndLast,
        List.of(),
        List.of());
  }

  /** A copy with one more rule, applied after the existing ones. */
  public Recipe withRule(SiteRule rule) {
    List<SiteRule> r = new ArrayList<>(rules);
    r.add(rule);
    return new Recipe(
        weightQuantizer,
        weightPruner,
        activationQuantizer,
        activationPruner,
        pruneFirstAndLast,
        r,
        costs);
  }

  /** A copy with one more network-level loss term. */
  public Recipe withCost(CostTerm cost) {
    List<CostTerm> c = new ArrayList<>(costs);
    c.add(cost);
    return new Recipe(
        weightQuantizer,
        weightPruner,
        activationQuantizer,
        activationPruner,
        pruneFirstAndLast,
        rules,
        c);
  }

  /** Full precision, nothing pruned. */
  public static Recipe fullPrecision() {
    return new Recipe(
        Quantizer.identity(), Pruner.none(), Quantizer.identity(), Pruner.none(), false);
  }

  public Recipe withWeightQuantizer(Quantizer q) {
    return new Recipe(
        q, weightPruner, activationQuantizer, activationPruner, pruneFirstAndLast, rules, costs);
  }

  public Recipe withWeightPruner(Pruner p) {
    return new Recipe(
        weightQuantizer, p, activationQuantizer, activationPruner, pruneFirstAndLast, rules, costs);
  }

  public Recipe withActivationQuantizer(Quantizer q) {
    return new Recipe(
        weightQuantizer, weightPruner, q, activationPruner, pruneFirstAndLast, rules, costs);
  }

  public Recipe withActivationPruner(Pruner p) {
    return new Recipe(
        weightQuantizer, weightPruner, activationQuantizer, p, pruneFirstAndLast, rules, costs);
  }

  public Recipe withPruneFirstAndLast(boolean prune) {
    return new Recipe(
        weightQuantizer, weightPruner, activationQuantizer, activationPruner, prune, rules, costs);
  }

  public Quantizer quantizerFor(Site site) {
    for (int i = rules.size() - 1; i >= 0; i--) {
      SiteRule r = rules.get(i);
      if (r.quantizer() != null && r.matches(site)) {
        return r.quantizer();
      }
    }
    return site.kind() == SiteKind.WEIGHT ? weightQuantizer : activationQuantizer;
  }

  public Pruner prunerFor(Site site) {
    for (int i = rules.size() - 1; i >= 0; i--) {
      SiteRule r = rules.get(i);
      if (r.pruner() != null && r.matches(site)) {
        return r.pruner();
      }
    }
    if (!pruneFirstAndLast && (site.isFirstLayer() || site.isLastLayer())) {
      return Pruner.none();
    }
    return site.kind() == SiteKind.WEIGHT ? weightPruner : activationPruner;
  }
}
