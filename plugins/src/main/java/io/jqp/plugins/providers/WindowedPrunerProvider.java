package io.jqp.plugins.providers;

import io.jqp.api.Pruner;
import io.jqp.api.PrunerProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.WindowedActivationPruner;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provides {@link WindowedActivationPruner} as {@code windowed}. */
public final class WindowedPrunerProvider implements PrunerProvider {
  @Override
  public String id() {
    return "windowed";
  }

  @Override
  public String description() {
    return "activation pruning with a sliding window of T samples (JQP Eq. 10); element-wise or channel-wise";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>(PrunerOptions.describe());
    m.put("window", "128 — T: samples whose |h| is summed into the importance");
    m.put(
        "channelwise",
        "false — prune whole channels (mask C, importance averaged over the spatial axes)");
    return m;
  }

  @Override
  public Pruner create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return new WindowedActivationPruner(
        PrunerOptions.schedule(o), o.getInt("window", 128), o.getBoolean("channelwise", false));
  }
}
