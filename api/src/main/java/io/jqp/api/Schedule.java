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

  /** A schedule that holds {@code value} from step 0 on. */
  static Schedule constant(double value) {
    return new Strategies.ConstantSchedule(value);
  }
}
