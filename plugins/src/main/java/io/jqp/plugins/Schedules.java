package io.jqp.plugins;

import io.jqp.api.Schedule;

/** Factories for the shipped schedules. */
public final class Schedules {
  private Schedules() {}

  public static ZhuGuptaSchedule zhuGupta(
      long start, long interval, int repetitions, double target) {
    return new ZhuGuptaSchedule(start, interval, repetitions, target);
  }

  public static PolynomialSchedule polynomial(
      long begin, long end, double initial, double target, double power, long frequency) {
    return new PolynomialSchedule(begin, end, initial, target, power, frequency);
  }

  public static StepSchedule step(long[] steps, double[] values) {
    return new StepSchedule(steps, values);
  }

  public static Schedule constant(double value) {
    return Schedule.constant(value);
  }
}
