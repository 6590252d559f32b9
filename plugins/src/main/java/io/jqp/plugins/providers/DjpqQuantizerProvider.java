package io.jqp.plugins.providers;

import io.jqp.api.Quantizer;
import io.jqp.api.QuantizerProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.djpq.DjpqQuantizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Provides {@link DjpqQuantizer} as {@code djpq}: learned step and range, derived bit-width (SPEC
 * §10).
 */
public final class DjpqQuantizerProvider implements QuantizerProvider {
  @Override
  public String id() {
    return "djpq";
  }

  @Override
  public String description() {
    return "DJPQ (SPEC 10): learned step d and range q_max, bit-width b = log2(q_max/d + 1) + 1 derived and clamped";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bits", "8 — bit-width at initialisation");
    m.put("min-bits", "2 — lowest bit-width");
    m.put("max-bits", "16 — highest bit-width");
    m.put("power-of-two", "false — restrict b to {2, 4, 8, 16}");
    m.put(
        "delay",
        "0 — step at which d and q_max are initialised from the data and the quantizer switches on");
    return m;
  }

  @Override
  public Quantizer create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return new DjpqQuantizer(
        o.getInt("bits", 8),
        o.getInt("min-bits", 2),
        o.getInt("max-bits", 16),
        o.getBoolean("power-of-two", false),
        o.getLong("delay", 0));
  }
}
