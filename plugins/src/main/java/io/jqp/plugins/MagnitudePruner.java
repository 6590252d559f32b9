package io.jqp.plugins;

import io.jqp.api.GraphOps;
import io.jqp.api.JqpException;
import io.jqp.api.Pruner;
import io.jqp.api.Schedule;
import io.jqp.api.SiteContext;
import io.jqp.api.SiteKind;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;

/**
 * Unstructured magnitude pruning (JQP Eqs. 8–9): P(x, s) = x ∘ M where M zeroes exactly floor(s·n)
 * entries of least importance, ties going to the lower flat index (SPEC §4; unlike the reference,
 * which prunes one fewer). Importance is |w| for weights; for activations it is Σ|h| over the batch
 * seen at the update step, and the mask has the shape of one sample, shared by the batch.
 *
 * <p>The mask lives in a graph variable that starts all ones and is recomputed from scratch before
 * every step at which {@code schedule} {@link Schedule#updatesAt updates} (a constant schedule:
 * once, at step 0), with target sparsity {@code schedule.valueAt(step)}. floor(s·n) is taken on the
 * host with a 1e-9 tolerance, so s = 0.29 and n = 100 prune 29 entries, as the decimal reads.
 *
 * @param schedule target sparsity over steps; values must stay in [0, 1)
 */
public record MagnitudePruner(Schedule schedule) implements Pruner {

  /** Pruning to a fixed sparsity {@code s}, decided once at step 0. */
  public static MagnitudePruner of(double s) {
    checkSparsity(s);
    return new MagnitudePruner(Schedule.constant(s));
  }

  static void checkSparsity(double s) {
    if (!(s >= 0 && s < 1)) {
      throw new JqpException("sparsity must be in [0, 1), got " + s);
    }
  }

  /**
   * The steps before which a mask driven by {@code schedule} is recomputed: where the schedule
   * updates ({@link Schedule#updatesAt}), except before its first non-zero value, where the mask it
   * would compute keeps every entry, as the mask starts (so a schedule starting at 0, as the
   * paper's do, costs no update run at step 0).
   */
  static java.util.function.LongPredicate maskUpdates(Schedule schedule) {
    long first = schedule.firstNonZero();
    return step -> step >= first && schedule.updatesAt(step);
  }

  /** Entries floor(s·n) pruned of n, as SPEC §4 states it. */
  public static long prunedCount(double sparsity, long n) {
    checkSparsity(sparsity);
    return (long) Math.floor(sparsity * n + 1e-9);
  }

  @Override
  public Tensor prune(GraphOps ops, Tensor x, SiteContext ctx) {
    boolean activation = ctx.site().kind() == SiteKind.ACTIVATION;
    long[] sampleShape = ctx.site().shape().stream().mapToLong(Long::longValue).toArray();
    long n = ctx.site().numel();
    StateVariable mask = ctx.state("mask", ops.fill(1, sampleShape));
    Tensor keep = ctx.scheduled(step -> n - prunedCount(schedule.valueAt(step), n));
    ctx.onUpdate(
        maskUpdates(schedule),
        () -> {
          Tensor absX = ops.abs(ops.stopGradient(x));
          Tensor importance = activation ? ops.sum(absX, false, 0) : absX;
          return mask.assign(ops.keepLargest(importance, keep));
        });
    Tensor m = mask.read();
    ctx.report("sparsity", ops.sub(ops.constant(1), ops.mean(m, false)));
    return ctx.from(ops, schedule.firstNonZero(), x, v -> ops.mask(v, m));
  }

  @Override
  public String toString() {
    return "Pruners.magnitude(" + schedule + ")";
  }
}
