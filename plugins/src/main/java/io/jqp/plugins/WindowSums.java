package io.jqp.plugins;

import io.jqp.api.GraphOps;
import io.jqp.api.SiteContext;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;
import io.jqp.api.Update;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Sums of per-sample quantities over the last {@code samples} samples seen in training (JQP Eqs. 3
 * and 10), for strategies whose window statistic is a sum: the importance Σ|h| of activation
 * pruning, the candidate errors Σ(Q(x; N, d) − x)² of a d* search. Where {@link SampleWindow} keeps
 * the samples themselves (T rows of a sample's size) and scans them at the update, this keeps one
 * partial sum per collecting step, so the update reads R = ceil(T / B) rows instead of T, and the
 * work of the scan rides on the collecting steps, a batch at a time.
 *
 * <p>Step t writes into slot t mod R the sum over its batch and, when T is not a multiple of B, the
 * sum over its last r = T − (R − 1)·B samples (the part of the oldest batch that is still inside
 * the window). The update at step u reads steps u − R … u − 1: all R slots, with the oldest, slot u
 * mod R, counted by its tail. Windows of successive updates may overlap, since every slot holds
 * both sums. Slots of steps before 0 hold zeros, as the rows of an unfilled window do.
 */
final class WindowSums {
  private final GraphOps ops;
  private final StateVariable full;
  private final StateVariable tail;
  private final Tensor oldest;
  private final boolean partial;

  private WindowSums(
      GraphOps ops, StateVariable full, StateVariable tail, Tensor oldest, boolean partial) {
    this.ops = ops;
    this.full = full;
    this.tail = tail;
    this.oldest = oldest;
    this.partial = partial;
  }

  /**
   * @param name unique per site and role; names the state
   * @param count how many quantities {@code quantities} gives
   * @param quantities builds the per-sample quantities, each {@code [batch, rowShape…]}, taken
   *     before any masking: only in the builds whose steps collect ({@link
   *     SiteContext#observe(LongPredicate, java.util.function.Supplier)})
   * @param rowShape the shape of one sample's quantity
   * @param samples T &gt;= 1
   * @param updates the steps whose update reads the sums
   */
  static WindowSums of(
      GraphOps ops,
      SiteContext ctx,
      String name,
      int count,
      java.util.function.Supplier<List<Tensor>> quantities,
      long[] rowShape,
      int samples,
      LongPredicate updates) {
    int batch = ctx.batchSize();
    long slots = (samples + batch - 1) / batch;
    long lastRows = samples - (slots - 1) * batch;
    boolean partial = lastRows < batch;
    long[] slotShape = new long[rowShape.length + 2];
    slotShape[0] = slots;
    slotShape[1] = count;
    System.arraycopy(rowShape, 0, slotShape, 2, rowShape.length);
    long[] rowOf = slotShape.clone();
    rowOf[0] = 1;
    StateVariable full = ctx.state(name + "-sums", ops.fill(0, slotShape));
    StateVariable tail = partial ? ctx.state(name + "-tail-sums", ops.fill(0, slotShape)) : full;
    Tensor slot = ctx.scheduled(step -> Math.floorMod(step, slots));
    long[] tailShape = new long[rowShape.length + 1];
    tailShape[0] = lastRows;
    System.arraycopy(rowShape, 0, tailShape, 1, rowShape.length);
    ctx.observe(
        SampleWindow.collecting(updates, slots),
        () -> {
          List<Tensor> fullSums = new ArrayList<>();
          List<Tensor> tailSums = new ArrayList<>();
          List<Tensor> qs = quantities.get();
          if (qs.size() != count) {
            throw new IllegalStateException(
                name + ": " + qs.size() + " quantities built, " + count + " declared");
          }
          for (Tensor q : qs) {
            Tensor rows = ops.stopGradient(q);
            fullSums.add(ops.sum(rows, false, 0));
            if (partial) {
              // the last r rows of the batch: written into r zero rows, which keep the last ones
              Tensor last = ops.ringWrite(ops.fill(0, tailShape), rows, ops.constant(0));
              tailSums.add(ops.sum(last, false, 0));
            }
          }
          List<Update> writes = new ArrayList<>();
          writes.add(ops.ringWrite(full, ops.reshape(ops.stack(fullSums), rowOf), slot));
          if (partial) {
            writes.add(ops.ringWrite(tail, ops.reshape(ops.stack(tailSums), rowOf), slot));
          }
          return writes.size() == 1 ? writes.get(0) : ops.group(writes);
        });
    // at the update u, the oldest step of the window, u − R, is in slot u mod R
    return new WindowSums(ops, full, tail, slot, partial);
  }

  /**
   * {@code [quantities, rowShape…]}: each quantity summed over the window's samples; meant for the
   * update steps.
   */
  Tensor totals() {
    Tensor all = ops.sum(full.read(), false, 0);
    if (!partial) {
      return all;
    }
    return ops.add(ops.sub(all, ops.gather(full.read(), oldest)), ops.gather(tail.read(), oldest));
  }
}
