package io.jqp.plugins.providers;

import io.jqp.api.Schedule;
import io.jqp.api.ScheduleProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.Schedules;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provides the polynomial schedule as {@code polynomial}. */
public final class PolynomialScheduleProvider implements ScheduleProvider {
  @Override
  public String id() {
    return "polynomial";
  }

  @Override
  public String description() {
    return "polynomial decay from initial to target between begin and end, held for 'frequency' steps at a time";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("begin", "0 — first step");
    m.put("end", "1000 — step at which the target is reached");
    m.put("initial", "0 — value at begin");
    m.put("target", "0.5 — value from end on");
    m.put("power", "3 — exponent");
    m.put("frequency", "100 — steps between changes");
    return m;
  }

  @Override
  public Schedule create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return Schedules.polynomial(
        o.getLong("begin", 0),
        o.getLong("end", 1000),
        o.getDouble("initial", 0),
        o.getDouble("target", 0.5),
        o.getDouble("power", 3),
        o.getLong("frequency", 100));
  }
}
