package io.jqp.plugins.providers;

import io.jqp.api.Pruner;
import io.jqp.api.PrunerProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.MagnitudePruner;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provides {@link MagnitudePruner} with a fixed sparsity as {@code magnitude}. */
public final class MagnitudePrunerProvider implements PrunerProvider {
  @Override
  public String id() {
    return "magnitude";
  }

  @Override
  public String description() {
    return "unstructured magnitude pruning (JQP Eqs. 8-9): zeroes floor(s*n) least-important entries, mask decided at step 0";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("sparsity", "0.5 — fraction s of entries pruned, in [0, 1)");
    return m;
  }

  @Override
  public Pruner create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return MagnitudePruner.of(o.getDouble("sparsity", 0.5));
  }
}
