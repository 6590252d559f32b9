package io.jqp.plugins.providers;

import io.jqp.api.JqpException;
import io.jqp.api.Schedule;
import io.jqp.api.ScheduleProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.Schedules;
import java.util.LinkedHashMap;
import java.util.Map;

/** Provides the piecewise-constant schedule as {@code step}. */
public final class StepScheduleProvider implements ScheduleProvider {
  @Override
  public String id() {
    return "step";
  }

  @Override
  public String description() {
    return "piecewise constant: values[i] from steps[i] on, 0 before the first";
  }

  @Override
  public Map<String, String> options() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("steps", "(required) — comma-separated increasing steps, e.g. 100,200");
    m.put("values", "(required) — comma-separated values, e.g. 0.25,0.5");
    return m;
  }

  @Override
  public Schedule create(StrategyOptions o) {
    o.requireKnown(options().keySet());
    if (!o.has("steps") || !o.has("values")) {
      throw new JqpException(
          "schedule 'step' needs both 'steps' and 'values', e.g. steps: 100,200 and values: 0.25,0.5");
    }
    String[] s = o.getString("steps", "").split(",");
    String[] v = o.getString("values", "").split(",");
    long[] steps = new long[s.length];
    double[] values = new double[v.length];
    try {
      for (int i = 0; i < s.length; i++) {
        steps[i] = Long.parseLong(s[i].trim());
      }
      for (int i = 0; i < v.length; i++) {
        values[i] = Double.parseDouble(v[i].trim());
      }
    } catch (NumberFormatException e) {
      throw new JqpException(
          "schedule 'step': steps must be whole numbers and values numbers, comma-separated; got '"
              + o.getString("steps", "")
              + "' and '"
              + o.getString("values", "")
              + "'");
    }
    return Schedules.step(steps, values);
  }
}
