package io.jqp.plugins.providers;

import io.jqp.api.StrategyOptions;
import io.jqp.plugins.FixedPointQuantizer;
import io.jqp.plugins.Rounding;
import io.jqp.plugins.SteGradient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options shared by the fixed-point quantizer's providers ({@code fixed}, {@code delayed},
 * {@code saturated}).
 */
final class FixedPointOptions {
  private FixedPointOptions() {}

  static Map<String, String> describe(long delay, double lower, double upper) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bits", "8 — total bits N, in [2, 32]");
    m.put("d", "(searched) — fractional bits; omit to pick d* by minimum squared error at t_q");
    m.put("delay", delay + " — step t_q at which quantization switches on (identity before)");
    m.put("window", "0 — activation samples searched for d* (0 = the batch at t_q)");
    m.put(
        "lower-quantile",
        lower + " — saturation: clip the window to this quantile before the search");
    m.put("upper-quantile", upper + " — saturation: upper quantile");
    m.put("per-channel", "false — one d per channel of the last axis");
    m.put("rounding", "truncate — truncate | half-even");
    m.put("gradient", "clipped — clipped | zero-saturated | identity");
    m.put("d-low", "0 — lowest d searched");
    m.put("d-high", "20 — one past the highest d searched");
    return m;
  }

  static FixedPointQuantizer parse(
      StrategyOptions o, Map<String, String> known, long delay, double lower, double upper) {
    o.requireKnown(known.keySet());
    return new FixedPointQuantizer(
        o.getInt("bits", 8),
        o.getIntOrNull("d"),
        o.getLong("delay", delay),
        o.getEnum("rounding", Rounding.class, Rounding.TRUNCATE),
        o.getEnum("gradient", SteGradient.class, SteGradient.CLIPPED),
        o.getInt("d-low", 0),
        o.getInt("d-high", 20),
        o.getInt("window", 0),
        o.getDouble("lower-quantile", lower),
        o.getDouble("upper-quantile", upper),
        o.getBoolean("per-channel", false));
  }
}
