package io.jqp.plugins.providers;

import io.jqp.api.Pruner;
import io.jqp.api.PrunerProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.djpq.VibGate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Provides {@link VibGate} as {@code vib-gate}: DJPQ's information-bottleneck channel gates at
 * activation sites.
 */
public final class VibGateProvider implements PrunerProvider {
  @Override
  public String id() {
    return "vib-gate";
  }

  @Override
  public String description() {
    return "DJPQ (SPEC 10): variational information-bottleneck gates on output channels, KL term, kept while log(sigma^2/mu^2) < threshold";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("gamma", "1e-5 — weight of the KL term, >= 0");
    m.put("threshold", "0 — theta on log alpha");
    m.put("mu-init", "1 — initial mu");
    m.put("log-sigma2-init", "-9 — initial log sigma^2");
    m.put("freeze-at", "-1 — step from which the gates are fixed (-1 = never)");
    return m;
  }

  @Override
  public Pruner create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return new VibGate(
        o.getDouble("gamma", 1e-5),
        o.getDouble("threshold", 0),
        o.getDouble("mu-init", 1),
        o.getDouble("log-sigma2-init", -9),
        o.getLong("freeze-at", -1));
  }
}
