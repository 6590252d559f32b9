package io.jqp.plugins.providers;

import io.jqp.api.Schedule;
import io.jqp.api.ScheduleProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.Schedules;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provides the Zhu–Gupta schedule as {@code zhu-gupta}. */
public final class ZhuGuptaScheduleProvider implements ScheduleProvider {
  @Override
  public String id() {
    return "zhu-gupta";
  }

  @Override
  public String description() {
    return "Zhu & Gupta: s_k = S(1 - (1 - k/n)^3) at t_p + k*interval, k = 1..n (SPEC §5)";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("start", "0 — t_p");
    m.put("interval", "1 — Δ");
    m.put("repetitions", "4 — n");
    m.put("target", "0.5 — S");
    return m;
  }

  @Override
  public Schedule create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return Schedules.zhuGupta(
        o.getLong("start", 0),
        o.getLong("interval", 1),
        o.getInt("repetitions", 4),
        o.getDouble("target", 0.5));
  }
}
