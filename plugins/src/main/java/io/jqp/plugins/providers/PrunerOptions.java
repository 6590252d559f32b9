package io.jqp.plugins.providers;

import io.jqp.api.Schedule;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.Schedules;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sparsity options shared by the pruners: a constant target from step {@code start}, or Zhu–Gupta
 * with repetitions.
 */
final class PrunerOptions {
  private PrunerOptions() {}

  static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("sparsity", "0.5 — target sparsity S, in [0, 1)");
    m.put("start", "0 — t_p: the step the schedule starts from");
    m.put("interval", "1 — Δ: steps between mask updates (Zhu-Gupta)");
    m.put(
        "repetitions",
        "0 — n: Zhu-Gupta updates at t_p + kΔ, k = 1..n; 0 = reach S at once at t_p");
    return m;
  }

  static Schedule schedule(StrategyOptions o) {
    double s = o.getDouble("sparsity", 0.5);
    long start = o.getLong("start", 0);
    int n = o.getInt("repetitions", 0);
    if (n > 0) {
      return Schedules.zhuGupta(start, o.getLong("interval", 1), n, s);
    }
    io.jqp.plugins.MagnitudePruner.prunedCount(s, 1);
    return start == 0 ? Schedule.constant(s) : Schedules.step(new long[] {start}, new double[] {s});
  }
}
