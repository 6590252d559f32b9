package io.jqp.experiments.run;

import io.jqp.api.JqpException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Whole runs taken in turns: each run on its own thread, one computing at a time, the turn passing
 * to the next run after every {@code slice} training steps. Each run's wall time, the process's CPU
 * time and the machine's stolen time are summed over that run's own turns.
 *
 * <p>Why: a shared virtual machine's speed drifts over tens of seconds (the same FP32 run took 72
 * to 119 s within one invocation), so two whole runs timed one after another meet different spells
 * of it, and the ratio of one such pair is off by several per cent either way. Turns of a second or
 * so meet the same spells. Each run still does all of its own work (data loading, every step,
 * update and evaluation); only the order in time changes.
 *
 * <p>What a turn counts: everything the process does while that run holds the turn, so the other
 * runs' background threads (the next batch being prepared, a progress bar redrawn) count in it as
 * well; every run has the same of them, so they do not favour one.
 */
final class InterleavedRuns {

  /** One run, started on its own thread; it calls {@code afterEachStep} after every step. */
  @FunctionalInterface
  interface Run<T> {
    T run(Runnable afterEachStep) throws Exception;
  }

  /**
   * A run's result and its own turns' time.
   *
   * @param stolenPercent the share of the machine's time stolen during its turns, in per cent (NaN
   *     where {@code /proc/stat} cannot be read)
   * @param turnWallSeconds each turn's wall time, in order: turn k holds steps [k·slice,
   *     (k+1)·slice) and whatever the run did before the last of them (its setup in the first turn,
   *     an evaluation after an epoch's last step), the last turn also what follows its last step
   * @param turnCpuSeconds each turn's CPU time, in the same order
   */
  record Timed<T>(
      T result,
      double wallSeconds,
      double cpuSeconds,
      double stolenPercent,
      List<Double> turnWallSeconds,
      List<Double> turnCpuSeconds) {

    /** How many turns it took. */
    int turns() {
      return turnWallSeconds.size();
    }
  }

  /** A run's thread's bookkeeping. */
  private static final class Lane<T> {
    long wallNanos;
    long cpuNanos;
    long stealTicks;
    long totalTicks;
    boolean measured = true;
    final List<Double> turnWall = new ArrayList<>();
    final List<Double> turnCpu = new ArrayList<>();
    CpuClock.@Nullable Reading start;
    @Nullable T result;
  }

  /** Thrown into a waiting run when another one failed, to end it. */
  private static final class Aborted extends RuntimeException {
    Aborted() {
      super("another run of the bench failed", null, false, false);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final boolean[] done;
  private int turn;
  private @Nullable Throwable failure;

  private InterleavedRuns(int runs) {
    this.done = new boolean[runs];
  }

  /**
   * Runs {@code runs} in turns of {@code slice} steps, the first run first; {@code onTurn.get(i)}
   * runs on run i's thread each time its turn begins (to set per-run process settings).
   *
   * @throws Exception the first failure of any run, after every run has ended
   */
  static <T> List<Timed<T>> run(List<Run<T>> runs, List<Runnable> onTurn, int slice)
      throws Exception {
    if (slice < 1) {
      throw new IllegalArgumentException("slice must be >= 1 step, got " + slice);
    }
    if (runs.isEmpty() || onTurn.size() != runs.size()) {
      throw new IllegalArgumentException("one onTurn per run, and at least one run");
    }
    InterleavedRuns baton = new InterleavedRuns(runs.size());
    List<Lane<T>> lanes = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Lane<T> lane = new Lane<>();
      lanes.add(lane);
      int index = i;
      threads.add(
          new Thread(
              () -> baton.lane(index, lane, runs.get(index), onTurn.get(index), slice),
              "jqp-bench-run-" + i));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    Throwable f = baton.failure;
    if (f instanceof Exception e) {
      throw e;
    }
    if (f instanceof Error e) {
      throw e;
    }
    List<Timed<T>> out = new ArrayList<>();
    for (Lane<T> l : lanes) {
      T r = java.util.Objects.requireNonNull(l.result, "a run without failure");
      double stolen =
          l.measured && l.totalTicks > 0 ? 100.0 * l.stealTicks / l.totalTicks : Double.NaN;
      out.add(
          new Timed<>(
              r,
              l.wallNanos / 1e9,
              l.cpuNanos / 1e9,
              stolen,
              List.copyOf(l.turnWall),
              List.copyOf(l.turnCpu)));
    }
    return out;
  }

  private <T> void lane(int i, Lane<T> lane, Run<T> run, Runnable onTurn, int slice) {
    boolean holding = false;
    try {
      acquire(i);
      holding = true;
      begin(lane, onTurn);
      int[] steps = {0};
      lane.result =
          run.run(
              () -> {
                if (++steps[0] % slice == 0) {
                  end(lane);
                  pass(i, false);
                  acquire(i);
                  begin(lane, onTurn);
                }
              });
    } catch (Throwable t) {
      fail(t);
    } finally {
      if (holding && lane.start != null) {
        end(lane);
      }
      pass(i, true);
    }
  }

  private static void begin(Lane<?> lane, Runnable onTurn) {
    onTurn.run();
    lane.start = CpuClock.now();
  }

  private static void end(Lane<?> lane) {
    CpuClock.Reading a = java.util.Objects.requireNonNull(lane.start, "a turn in progress");
    CpuClock.Reading b = CpuClock.now();
    lane.start = null;
    lane.wallNanos += b.wallNanos() - a.wallNanos();
    lane.cpuNanos += b.cpuNanos() - a.cpuNanos();
    lane.turnWall.add((b.wallNanos() - a.wallNanos()) / 1e9);
    lane.turnCpu.add((b.cpuNanos() - a.cpuNanos()) / 1e9);
    if (a.totalTicks() < 0 || b.totalTicks() < 0 || a.cpuNanos() < 0 || b.cpuNanos() < 0) {
      lane.measured = false;
    }
    lane.stealTicks += b.stealTicks() - a.stealTicks();
    lane.totalTicks += b.totalTicks() - a.totalTicks();
  }

  /** Waits for run {@code i}'s turn; throws {@link Aborted} once another run has failed. */
  private void acquire(int i) {
    lock.lock();
    try {
      while (turn != i && failure == null) {
        changed.awaitUninterruptibly();
      }
      if (failure != null) {
        throw new Aborted();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Passes the turn on from run {@code i} to the next run not done ({@code i} again if none). */
  private void pass(int i, boolean finished) {
    lock.lock();
    try {
      if (finished) {
        done[i] = true;
      }
      for (int k = 1; k <= done.length; k++) {
        int j = (i + k) % done.length;
        if (!done[j]) {
          turn = j;
          break;
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void fail(Throwable t) {
    lock.lock();
    try {
      if (failure == null && !(t instanceof Aborted)) {
        failure = t instanceof Exception || t instanceof Error ? t : new JqpException(t.toString());
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
