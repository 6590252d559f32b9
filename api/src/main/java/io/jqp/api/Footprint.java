package io.jqp.api;

import java.util.List;

/**
 * Memory footprint and performance density (JQP §4, SPEC §8): W = Σ numel·bits·(1 − s) over weight
 * sites, A = the same over one input's activation sites, PD = metric / (W + A). Sizes in Mb (10^6
 * bits), as the paper's Table 6.
 */
public record Footprint(List<Entry> entries) {

  /** One site's contribution: its element count, bit width and measured sparsity. */
  public record Entry(String name, SiteKind kind, long numel, double bits, double sparsity) {
    public Entry {
      if (bits <= 0 || bits > 64) {
        throw new IllegalArgumentException("bits must be in (0, 64], got " + bits + " at " + name);
      }
      if (sparsity < 0 || sparsity > 1) {
        throw new IllegalArgumentException(
            "sparsity must be in [0, 1], got " + sparsity + " at " + name);
      }
    }

    public double megabits() {
      return numel * bits * (1 - sparsity) / 1e6;
    }
  }

  public Footprint {
    entries = List.copyOf(entries);
  }

  public double weightMegabits() {
    return entries.stream()
        .filter(e -> e.kind() == SiteKind.WEIGHT)
        .mapToDouble(Entry::megabits)
        .sum();
  }

  public double activationMegabits() {
    return entries.stream()
        .filter(e -> e.kind() == SiteKind.ACTIVATION)
        .mapToDouble(Entry::megabits)
        .sum();
  }

  /** Performance density: {@code metric / (W + A)} in metric units per Mb. */
  public double performanceDensity(double metric) {
    return metric / (weightMegabits() + activationMegabits());
  }
}
