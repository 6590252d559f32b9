package io.jqp.api;

/**
 * A pure function of the training step (counted from 0), evaluated on the host: testable without an
 * engine. Pruners read it as the target sparsity; strategies recompute their state at the steps
 * where it changes.
 */
@FunctionalInterface
public interface Schedule {

  double valueAt(long step);

  /**
   * Whether state driven by this schedule is recomputed before {@code step}: at step 0 and wherever
   * the value changes.
   */
  default boolean updatesAt(long step) {
    return step == 0 || valueAt(step) != valueAt(step - 1);
  }

  /**
   * The first step whose value is not 0, or {@link Long#MAX_VALUE} when there is none: a pruner
   * driven by this schedule is the identity before it, so the engine leaves its transform out of
   * the steps before (see {@link SiteContext#from}). The default, 0, is always safe; schedules that
   * know better say so.
   */
  default long firstNonZero() {
    return 0;
  }

  /** A schedule that holds {@code value} from step 0 on. */
  static Schedule constant(double value) {
    return new Strategies.ConstantSchedule(value);
  }
}
