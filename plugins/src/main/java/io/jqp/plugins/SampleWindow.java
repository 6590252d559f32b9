package io.jqp.plugins;

import io.jqp.api.GraphOps;
import io.jqp.api.SiteContext;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;
import java.util.function.LongPredicate;

/**
 * The last {@code samples} rows of a per-sample quantity, kept in a graph ring buffer (JQP Eqs. 3
 * and 10: windows count samples, not batches). Rows are written alongside the training steps that
 * precede each update step, just enough of them (ceil(T / batch)) to fill the window; nothing is
 * copied to the host. Row i of step t lands at position (t·B + i) mod T.
 */
final class SampleWindow {
  private final StateVariable buffer;

  private SampleWindow(StateVariable buffer) {
    this.buffer = buffer;
  }

  /**
   * @param rows {@code [batch, rowShape…]}, taken before any masking
   * @param updates the steps whose update reads the window
   */
  static SampleWindow of(
      GraphOps ops,
      SiteContext ctx,
      String name,
      Tensor rows,
      long[] rowShape,
      int samples,
      LongPredicate updates) {
    long[] shape = new long[rowShape.length + 1];
    shape[0] = samples;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    StateVariable buffer = ctx.state(name + "-window", ops.fill(0, shape));
    int batch = ctx.batchSize();
    long stepsNeeded = (samples + batch - 1) / batch;
    Tensor start = ctx.scheduled(step -> Math.floorMod(step * batch, (long) samples));
    ctx.observe(
        collecting(updates, stepsNeeded),
        () -> ops.ringWrite(buffer, ops.stopGradient(rows), start));
    return new SampleWindow(buffer);
  }

  /**
   * The steps that collect for a window of {@code steps} steps: those with an update among the next
   * {@code steps} steps.
   */
  static LongPredicate collecting(LongPredicate updates, long steps) {
    return step -> {
      for (long j = 1; j <= steps; j++) {
        if (updates.test(step + j)) {
          return true;
        }
      }
      return false;
    };
  }

  /** {@code [samples, rowShape…]}: the window's content. */
  Tensor values() {
    return buffer.read();
  }
}
