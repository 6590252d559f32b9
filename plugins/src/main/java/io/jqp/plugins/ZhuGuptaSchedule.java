package io.jqp.plugins;

import io.jqp.api.JqpException;
import io.jqp.api.Schedule;

/**
 * Zhu &amp; Gupta's gradual sparsity schedule as JQP uses it (SPEC §5): updates at t = t_p + kΔ for
 * k = 1..n with s_k = S·(1 − (1 − k/n)³); 0 before the first update, S from the last on (so masks
 * freeze after it).
 *
 * @param start t_p
 * @param interval Δ &gt;= 1
 * @param repetitions n &gt;= 1
 * @param target S in [0, 1)
 */
public record ZhuGuptaSchedule(long start, long interval, int repetitions, double target)
    implements Schedule {

  public ZhuGuptaSchedule {
    if (start < 0) {
      throw new JqpException("schedule 'zhu-gupta': start (t_p) must be >= 0, got " + start);
    }
    if (interval < 1) {
      throw new JqpException("schedule 'zhu-gupta': interval must be >= 1, got " + interval);
    }
    if (repetitions < 1) {
      throw new JqpException("schedule 'zhu-gupta': repetitions must be >= 1, got " + repetitions);
    }
    if (!(target >= 0 && target < 1)) {
      throw new JqpException("schedule 'zhu-gupta': target must be in [0, 1), got " + target);
    }
  }

  @Override
  public double valueAt(long step) {
    long k = step < start ? 0 : Math.min(repetitions, (step - start) / interval);
    double left = 1 - (double) k / repetitions;
    return target * (1 - left * left * left);
  }

  /** S_t is 0 up to t_p (k = 0 there) and positive from t_p + Δ on. */
  @Override
  public long firstNonZero() {
    return target == 0 ? Long.MAX_VALUE : start + interval;
  }

  /** The step of the last update, t_p + nΔ, after which the value stays S. */
  public long lastUpdate() {
    return start + repetitions * interval;
  }

  @Override
  public String toString() {
    return "Schedules.zhuGupta("
        + start
        + ", "
        + interval
        + ", "
        + repetitions
        + ", "
        + target
        + ")";
  }
}
