package io.jqp.plugins;

import io.jqp.api.JqpException;
import io.jqp.api.Schedule;
import java.util.Arrays;

/** Piecewise constant: {@code values[i]} from {@code steps[i]} on (0 before the first step). */
public record StepSchedule(long[] steps, double[] values) implements Schedule {

  public StepSchedule {
    if (steps.length == 0 || steps.length != values.length) {
      throw new JqpException(
          "schedule 'step': steps and values must be non-empty and of equal length, got "
              + steps.length
              + " and "
              + values.length);
    }
    for (int i = 1; i < steps.length; i++) {
      if (steps[i] <= steps[i - 1]) {
        throw new JqpException(
            "schedule 'step': steps must increase, got " + Arrays.toString(steps));
      }
    }
    steps = steps.clone();
    values = values.clone();
  }

  @Override
  public double valueAt(long step) {
    double v = 0;
    for (int i = 0; i < steps.length && steps[i] <= step; i++) {
      v = values[i];
    }
    return v;
  }

  @Override
  public long firstNonZero() {
    for (int i = 0; i < steps.length; i++) {
      if (values[i] != 0) {
        return Math.max(0, steps[i]);
      }
    }
    return Long.MAX_VALUE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StepSchedule s
        && Arrays.equals(steps, s.steps)
        && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(steps) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Schedules.step(" + Arrays.toString(steps) + ", " + Arrays.toString(values) + ")";
  }
}
