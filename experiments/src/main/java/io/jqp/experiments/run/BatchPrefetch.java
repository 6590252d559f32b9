package io.jqp.experiments.run;

import io.jqp.engine.tf.TfModel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The input pipeline of an epoch: batch {@code b + 1} is gathered and copied into TensorFlow
 * tensors on a thread of its own while step {@code b} runs, so a step never waits for its data. One
 * batch ahead is enough (preparing one takes a few milliseconds, a step tens) and keeps the order
 * and the batches exactly those of a sequential loop.
 */
final class BatchPrefetch implements AutoCloseable {
  private final TfModel model;
  private final IntFunction<TfModel.Batch> batches;
  private final int end;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "jqp-input");
            t.setDaemon(true);
            return t;
          });
  private int next;
  private @Nullable Future<TfModel.Prepared> pending;

  /** Batches {@code from} (inclusive) to {@code end} (exclusive) of {@code batches}. */
  BatchPrefetch(TfModel model, IntFunction<TfModel.Batch> batches, int from, int end) {
    this.model = model;
    this.batches = batches;
    this.end = end;
    this.next = from;
    submit();
  }

  private void submit() {
    if (next < end) {
      int b = next++;
      pending = thread.submit(() -> model.prepare(batches.apply(b)));
    } else {
      pending = null;
    }
  }

  /** The next batch, prepared; the caller closes it after its step. */
  TfModel.Prepared next() {
    Future<TfModel.Prepared> f = pending;
    if (f == null) {
      throw new IllegalStateException("no batch left in this epoch");
    }
    TfModel.Prepared p = await(f);
    submit();
    return p;
  }

  private static TfModel.Prepared await(Future<TfModel.Prepared> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing a batch", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("preparing a batch failed", e.getCause());
    }
  }

  /** Waits for a batch still being prepared and frees it, then stops the thread. */
  @Override
  public void close() {
    Future<TfModel.Prepared> f = pending;
    pending = null;
    if (f != null) {
      try {
        await(f).close();
      } catch (RuntimeException ignored) {
        // the epoch is over (or failed for another reason); an unused batch's error is moot
      }
    }
    thread.shutdownNow();
  }
}
