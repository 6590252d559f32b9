package io.jqp.experiments.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Where in a run an arm's time differs from FP32's, from runs that took turns ({@code jqp bench
 * --slice}): turn k of every run holds the same training steps, [k·slice, (k+1)·slice), so each
 * turn pairs with FP32's turn of the same steps. The turns are summed over the arm's phases (the
 * steps where its engine switched the training step), each phase from the turn holding its first
 * step, so a phase's row carries its switch (a new step built and first run) as well as its steps.
 */
final class TurnsByPhase {

  /**
   * One phase of an arm's runs.
   *
   * @param fromStep the first step of its first turn
   * @param toStep the last step of its last turn (-1: to the run's end, its last turn)
   * @param starts the phase switches it holds (steps)
   * @param fp32Cpu FP32's CPU seconds over these turns, the mean over rounds
   * @param armCpu the arm's, likewise
   * @param extraCpuMin the smallest of the rounds' extra CPU seconds (arm minus FP32)
   * @param extraCpuMax the largest
   * @param extraWall the mean of the rounds' extra wall seconds
   */
  record Row(
      long fromStep,
      long toStep,
      List<Long> starts,
      double fp32Cpu,
      double armCpu,
      double extraCpuMin,
      double extraCpuMax,
      double extraWall) {

    double extraCpu() {
      return armCpu - fp32Cpu;
    }
  }

  private TurnsByPhase() {}

  /**
   * The rows of {@code arm} against {@code fp32} (same rounds, turns of {@code slice} steps); empty
   * where the runs did not take turns or a round's two runs took different numbers of turns.
   */
  static List<Row> rows(RunBench.Arm fp32, RunBench.Arm arm, int slice) {
    int rounds = Math.min(fp32.turnCpuSeconds().size(), arm.turnCpuSeconds().size());
    if (slice < 1 || rounds == 0) {
      return List.of();
    }
    int turns = arm.turnCpuSeconds().get(0).size();
    for (int r = 0; r < rounds; r++) {
      if (fp32.turnCpuSeconds().get(r).size() != turns
          || arm.turnCpuSeconds().get(r).size() != turns) {
        return List.of();
      }
    }
    TreeSet<Integer> bounds = new TreeSet<>();
    bounds.add(0);
    for (long p : arm.phaseStarts()) {
      int k = (int) (p / slice);
      if (k > 0 && k < turns) {
        bounds.add(k);
      }
    }
    List<Integer> b = new ArrayList<>(bounds);
    b.add(turns);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i + 1 < b.size(); i++) {
      int from = b.get(i);
      int to = b.get(i + 1);
      List<Long> starts = new ArrayList<>();
      for (long p : arm.phaseStarts()) {
        if (p / slice >= from && p / slice < to && p > 0) {
          starts.add(p);
        }
      }
      double fp32Cpu = 0;
      double armCpu = 0;
      double extraWall = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int r = 0; r < rounds; r++) {
        double f = sum(fp32.turnCpuSeconds().get(r), from, to);
        double a = sum(arm.turnCpuSeconds().get(r), from, to);
        fp32Cpu += f / rounds;
        armCpu += a / rounds;
        min = Math.min(min, a - f);
        max = Math.max(max, a - f);
        extraWall +=
            (sum(arm.turnWallSeconds().get(r), from, to)
                    - sum(fp32.turnWallSeconds().get(r), from, to))
                / rounds;
      }
      rows.add(
          new Row(
              (long) from * slice,
              to == turns ? -1 : (long) to * slice - 1,
              starts,
              fp32Cpu,
              armCpu,
              min,
              max,
              extraWall));
    }
    return rows;
  }

  /** A table per arm besides FP32; empty where the runs did not take turns. */
  static String markdown(RunBench.Result r) {
    StringBuilder s = new StringBuilder();
    RunBench.Arm fp32 = r.arms().get(0);
    for (RunBench.Arm arm : r.arms().subList(1, r.arms().size())) {
      List<Row> rows = rows(fp32, arm, r.slice());
      if (rows.isEmpty()) {
        continue;
      }
      s.append(
          String.format(
              Locale.ROOT,
              "%n%s against FP32, by the phases of its runs (turns of %d steps; CPU seconds, mean"
                  + " over %d rounds):%n%n",
              arm.name(),
              r.slice(),
              fp32.turnCpuSeconds().size()));
      s.append(
          "| steps | phase switches | FP32 CPU s | arm CPU s | extra CPU s [min, max] | extra wall"
              + " s |\n|---|---|---|---|---|---|\n");
      double total = 0;
      for (Row w : rows) {
        total += w.extraCpu();
        s.append(
            String.format(
                Locale.ROOT,
                "| %d–%s | %s | %.2f | %.2f | %+.2f [%+.2f, %+.2f] | %+.2f |%n",
                w.fromStep(),
                w.toStep() < 0 ? "end" : Long.toString(w.toStep()),
                w.starts().isEmpty()
                    ? "—"
                    : String.join(", ", w.starts().stream().map(String::valueOf).toList()),
                w.fp32Cpu(),
                w.armCpu(),
                w.extraCpu(),
                w.extraCpuMin(),
                w.extraCpuMax(),
                w.extraWall()));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "%nIn all, %+.2f s of CPU time over FP32's; the first row includes each run's setup"
                  + " (data, the graph), the last its final evaluation and saving, and a row holds"
                  + " the evaluations after the epochs that end in it.%n",
              total));
    }
    return s.toString();
  }

  private static double sum(List<Double> v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v.get(i);
    }
    return s;
  }
}
