package io.jqp.plugins.providers;

import io.jqp.api.Pruner;
import io.jqp.api.PrunerProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.MagnitudePruner;
import java.util.Map;

/** Provides {@link MagnitudePruner} as {@code magnitude}. */
public final class MagnitudePrunerProvider implements PrunerProvider {
  @Override
  public String id() {
    return "magnitude";
  }

  @Override
  public String description() {
    return "unstructured magnitude pruning (JQP Eqs. 8-9): zeroes floor(s*n) least-important entries, on a constant or Zhu-Gupta schedule";
  }

  @Override
  public Map<String, String> options() {
    return PrunerOptions.describe();
  }

  @Override
  public Pruner create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return new MagnitudePruner(PrunerOptions.schedule(o));
  }
}
