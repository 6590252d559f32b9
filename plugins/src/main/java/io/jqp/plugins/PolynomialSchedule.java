package io.jqp.plugins;

import io.jqp.api.JqpException;
import io.jqp.api.Schedule;

/**
 * Polynomial decay of sparsity from {@code initial} at {@code begin} to {@code target} at {@code
 * end}: s(t) = target + (initial − target)·(1 − p)^power with p the progress, evaluated every
 * {@code frequency} steps and held in between (so masks are recomputed only there). power = 3,
 * initial = 0 is Zhu–Gupta's continuous form.
 */
public record PolynomialSchedule(
    long begin, long end, double initial, double target, double power, long frequency)
    implements Schedule {

  public PolynomialSchedule {
    if (begin < 0 || end <= begin) {
      throw new JqpException(
          "schedule 'polynomial': needs 0 <= begin < end, got begin " + begin + ", end " + end);
    }
    if (!(initial >= 0 && initial < 1 && target >= 0 && target < 1)) {
      throw new JqpException(
          "schedule 'polynomial': initial and target must be in [0, 1), got "
              + initial
              + ", "
              + target);
    }
    if (!(power > 0)) {
      throw new JqpException("schedule 'polynomial': power must be > 0, got " + power);
    }
    if (frequency < 1) {
      throw new JqpException("schedule 'polynomial': frequency must be >= 1, got " + frequency);
    }
  }

  @Override
  public double valueAt(long step) {
    if (step < begin) {
      return 0;
    }
    long held = Math.min(end, begin + (step - begin) / frequency * frequency);
    double p = (double) (held - begin) / (end - begin);
    return target + (initial - target) * Math.pow(1 - p, power);
  }

  /** initial at begin when it is positive; else the first held step after begin. */
  @Override
  public long firstNonZero() {
    if (initial > 0) {
      return begin;
    }
    return target == 0 ? Long.MAX_VALUE : begin + frequency;
  }

  @Override
  public String toString() {
    return "Schedules.polynomial("
        + begin
        + ", "
        + end
        + ", "
        + initial
        + ", "
        + target
        + ", "
        + power
        + ", "
        + frequency
        + ")";
  }
}
