package io.jqp.plugins.providers;

import io.jqp.api.Schedule;
import io.jqp.api.ScheduleProvider;
import io.jqp.api.StrategyOptions;
import java.util.Map;

/** Provides {@link Schedule#constant} as {@code constant}. */
public final class ConstantScheduleProvider implements ScheduleProvider {
  @Override
  public String id() {
    return "constant";
  }

  @Override
  public String description() {
    return "holds one value from step 0 on";
  }

  @Override
  public Map<String, String> options() {
    return Map.of("value", "0 — the value");
  }

  @Override
  public Schedule create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    return Schedule.constant(o.getDouble("value", 0));
  }
}
