package io.jqp.plugins.providers;

import io.jqp.api.CostTerm;
import io.jqp.api.CostTermProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.djpq.BopsCost;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provides {@link BopsCost} as {@code bops}: DJPQ's cost β·Σ BOPs / BOPs_fp32 (SPEC §10). */
public final class BopsCostProvider implements CostTermProvider {
  @Override
  public String id() {
    return "bops";
  }

  @Override
  public String description() {
    return "DJPQ (SPEC 10): beta * sum of layer BOPs (MACs x weight bits x input bits x kept fractions) over the FP32 BOPs";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("beta", "0.1 — weight of the cost, >= 0");
    m.put("input-bits", "8 — bits of the network input");
    return m;
  }

  @Override
  public CostTerm create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return new BopsCost(o.getDouble("beta", 0.1), o.getDouble("input-bits", 8));
  }
}
