package io.jqp.plugins.providers;

import io.jqp.api.Quantizer;
import io.jqp.api.QuantizerProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.FixedPointQuantizer;
import io.jqp.plugins.Rounding;
import io.jqp.plugins.SteGradient;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provides {@link FixedPointQuantizer} as {@code fixed}. */
public final class FixedPointQuantizerProvider implements QuantizerProvider {
  @Override
  public String id() {
    return "fixed";
  }

  @Override
  public String description() {
    return "uniform fixed-point quantizer (JQP Eq. 1) with straight-through gradient; d given or searched by MSE at step 'delay'";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bits", "8 — total bits N, in [2, 32]");
    m.put("d", "(searched) — fractional bits; omit to pick d* by minimum squared error");
    m.put("delay", "0 — step t_q at which quantization switches on");
    m.put("rounding", "truncate — truncate | half-even");
    m.put("gradient", "clipped — clipped | zero-saturated | identity");
    m.put("d-low", "0 — lowest d searched");
    m.put("d-high", "20 — one past the highest d searched");
    return m;
  }

  @Override
  public Quantizer create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return new FixedPointQuantizer(o.getInt("bits", 8), o.getIntOrNull("d"), o.getLong("delay", 0),
        o.getEnum("rounding", Rounding.class, Rounding.TRUNCATE), o.getEnum("gradient", SteGradient.class, SteGradient.CLIPPED),
        o.getInt("d-low", 0), o.getInt("d-high", 20));
  }
}
