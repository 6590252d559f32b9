package io.jqp.plugins;

import io.jqp.api.GraphOps;
import io.jqp.api.JqpException;
import io.jqp.api.Pruner;
import io.jqp.api.Schedule;
import io.jqp.api.SiteContext;
import io.jqp.api.SiteKind;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Activation pruning with a sliding window (JQP Eq. 10): before every update step of {@code
 * schedule}, the importance of each activation is Σ|h| over the last {@code window} samples seen in
 * training (h before masking), and the mask keeps the n − floor(s·n) most important entries. The
 * mask has the shape of one sample, is shared by the batch and applies in training and evaluation.
 *
 * <p>{@code channelwise}: importance is |h| averaged over all axes but the channel (last) axis, and
 * whole channels are pruned (mask C, broadcast over the spatial axes), for inputs whose size
 * varies.
 *
 * <p>Mask tiling (SPEC §6): when an evaluation input is larger than the training sample, the mask
 * is repeated floor(X_i / M_i) times along each spatial axis and centred in a tensor of ones; the
 * border stays unpruned.
 *
 * @param schedule sparsity over steps (Zhu–Gupta in the paper)
 * @param window T, samples in the window, &gt;= 1
 * @param channelwise prune whole channels
 */
public record WindowedActivationPruner(Schedule schedule, int window, boolean channelwise)
    implements Pruner {

  public WindowedActivationPruner {
    if (window < 1) {
      throw new JqpException("window must be >= 1 sample, got " + window);
    }
  }

  @Override
  public Tensor prune(GraphOps ops, Tensor x, SiteContext ctx) {
    if (ctx.site().kind() != SiteKind.ACTIVATION) {
      throw new JqpException(
          "pruner 'windowed' prunes activations, but was given "
              + ctx.site().name()
              + "; use 'magnitude' for weights");
    }
    long[] sample = ctx.site().shape().stream().mapToLong(Long::longValue).toArray();
    int rank = sample.length;
    long channels = sample[rank - 1];
    long[] rowShape;
    long[] maskShape;
    int[] spatial = new int[Math.max(0, rank - 1)];
    for (int i = 0; i < spatial.length; i++) {
      spatial[i] = i + 1;
    }
    boolean perChannel = channelwise && rank > 1;
    if (perChannel) {
      rowShape = new long[] {channels};
      maskShape = new long[rank];
      Arrays.fill(maskShape, 1);
      maskShape[rank - 1] = channels;
    } else {
      rowShape = sample;
      maskShape = sample;
    }
    long n = Arrays.stream(rowShape).reduce(1, (a, b) -> a * b);
    StateVariable mask = ctx.state("mask", ops.fill(1, rowShape));
    java.util.function.LongPredicate updates = MagnitudePruner.maskUpdates(schedule);
    WindowSums sums =
        WindowSums.of(
            ops,
            ctx,
            "importance",
            1,
            () -> {
              Tensor abs = ops.abs(ops.stopGradient(x));
              return List.of(perChannel ? ops.mean(abs, false, spatial) : abs);
            },
            rowShape,
            window,
            updates);
    Tensor keep = ctx.scheduled(step -> n - MagnitudePruner.prunedCount(schedule.valueAt(step), n));
    ctx.onUpdate(
        updates, () -> mask.assign(ops.keepLargest(ops.reshape(sums.totals(), rowShape), keep)));
    ctx.report("sparsity", ops.sub(ops.constant(1), ops.mean(mask.read(), false)));
    return ctx.from(
        ops,
        schedule.firstNonZero(),
        x,
        v -> {
          Tensor m = ops.reshape(mask.read(), maskShape);
          if (!channelwise && !sameSample(v.shape(), sample)) {
            m = ops.tileCentered(m, v);
          }
          return ops.mask(v, m);
        });
  }

  private static boolean sameSample(long[] batchShape, long[] sample) {
    if (batchShape.length != sample.length + 1) {
      return false;
    }
    for (int i = 0; i < sample.length; i++) {
      if (batchShape[i + 1] != sample[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Pruners.windowed("
        + schedule
        + ", "
        + window
        + (channelwise ? ", channelwise" : "")
        + ")";
  }
}
