package io.jqp.experiments.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.Plugins;
import io.jqp.engine.tf.TfModel;
import io.jqp.experiments.SyntheticIdx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole-run bench, the input pipeline and the profile on small generated data. */
class SpeedToolsTest {

  static TrainConfig tiny(Path data) {
    return TrainConfig.defaults()
        .withEpochs(2)
        .withLimits(512, 200)
        .copy(Map.<String, Object>of("data", data.toString(), "window", 256));
  }

  @Test
  void wholeRunsAlternateTheArmsAndReportRatiosToFp32(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    long tempsBefore = countBenchFolders();
    RunBench.Result r = new RunBench(Plugins.load()).run(tiny(data), 2, 8, 0.5);
    assertEquals(
        List.of("FP32", "W+A P→Q", "W+A P→Q, XLA", "W+A Q→P"),
        r.arms().stream().map(a -> a.name()).toList());
    assertEquals(1.0, r.arms().get(0).runRatio(), 1e-12);
    List<Double> fp32 = r.arms().get(0).runSeconds();
    for (RunBench.Arm a : r.arms()) {
      assertEquals(2, a.runSeconds().size(), a.name() + ": one run per round");
      assertTrue(a.runSeconds().stream().allMatch(s -> s > 0), a.name());
      assertTrue(a.runRatio() > 0 && Double.isFinite(a.runRatio()), a.name());
      RatioInterval ci = a.runInterval();
      assertEquals(2, ci.rounds(), a.name());
      for (int i = 0; i < 2; i++) {
        assertEquals(
            a.runSeconds().get(i) / fp32.get(i),
            ci.perRound().get(i),
            1e-12,
            a.name() + ": each round's run over the FP32 run of the same round");
      }
      assertTrue(ci.low() <= ci.mean() && ci.mean() <= ci.high(), a.name());
      assertEquals(2, a.cpuSeconds().size(), a.name() + ": CPU time of each run");
      RatioInterval cpu = a.cpuInterval();
      assertTrue(cpu != null, a.name() + ": this JDK reports the process's CPU time");
      for (int i = 0; i < 2; i++) {
        assertTrue(a.cpuSeconds().get(i) > 0, a.name());
        assertEquals(
            a.cpuSeconds().get(i) / r.arms().get(0).cpuSeconds().get(i),
            cpu.perRound().get(i),
            1e-12,
            a.name() + ": each round's CPU time over the FP32 run's of the same round");
        double stolen = a.stolenPercent().get(i);
        assertTrue(stolen >= 0 && stolen <= 100, a.name() + ": stolen " + stolen + " %");
      }
    }
    assertEquals(0.0, r.arms().get(0).runInterval().std(), 0.0);
    assertEquals("prune-then-quantize", r.arms().get(1).preset());
    assertEquals(
        r.arms().get(1).accuracy(),
        r.arms().get(2).accuracy(),
        0.0,
        "compiled scopes change no number: the run with them reaches the same accuracy");
    assertTrue(r.markdown().contains("| W+A Q→P | quantize-then-prune |"), r.markdown());
    assertTrue(
        r.markdown().contains("run / FP32 at equal steal [95 % CI]"),
        "the steal-adjusted column: " + r.markdown());
    assertEquals(tempsBefore, countBenchFolders(), "the scratch run folders are deleted");
  }

  @Test
  void steadyStepsAreTimedInRoundsOfBlocksAndPairedWithFp32() {
    // 30 timed steps: a block of 25 and one of 5 per arm, so two paired rounds
    Bench.Result r = new Bench(Plugins.load()).run("small-cnn", 30, 1, 8, 1, 8, 0.5);
    assertEquals(5, r.arms().size());
    assertEquals(1.0, r.arms().get(0).ratio(), 1e-12);
    for (Bench.Arm a : r.arms()) {
      RatioInterval ci = a.interval();
      assertEquals(2, ci.rounds(), a.name());
      assertTrue(ci.perRound().stream().allMatch(v -> v > 0 && Double.isFinite(v)), a.name());
      assertTrue(ci.low() <= ci.mean() && ci.mean() <= ci.high(), a.name());
      assertTrue(a.cpuMillisPerStep() > 0, a.name());
      assertTrue(a.cpuInterval() != null && a.cpuInterval().rounds() == 2, a.name());
    }
    assertEquals(List.of(1.0, 1.0), r.arms().get(0).interval().perRound());
    assertEquals(List.of(1.0, 1.0), r.arms().get(0).cpuInterval().perRound());
    assertTrue(r.stolenPercent() >= 0 && r.stolenPercent() <= 100, "stolen " + r.stolenPercent());
    assertTrue(r.markdown().contains("per round of blocks: mean [95 % CI]"), r.markdown());
  }

  @Test
  void chosenStepArmsRunAloneBesideFp32() {
    Bench.Result r =
        new Bench(Plugins.load())
            .run("small-cnn", 5, 0, 8, 1, 8, 0.5, List.of("wa-ownpool", "qa", "wa-even", "w"));
    // FP32 first, then the chosen arms in the bench's own order
    assertEquals(
        List.of(
            "FP32",
            "Q8(w,a) + P0.5(w)",
            "Q8 half-even (w,a) + P0.5(w,a)",
            "Q8(a)",
            "Q8(w,a) + P0.5(w,a), jqp's own threads"),
        r.arms().stream().map(Bench.Arm::name).toList());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Bench(Plugins.load()).run("small-cnn", 5, 0, 8, 1, 8, 0.5, List.of("wx")));
  }

  @Test
  void wholeRunsOfTheChosenArmsOnly(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    RunBench.Result r =
        new RunBench(Plugins.load()).run(tiny(data).withEpochs(1), 2, 8, 0.5, List.of("qp"));
    assertEquals(List.of("FP32", "W+A Q→P"), r.arms().stream().map(a -> a.name()).toList());
    assertEquals(2, r.arms().get(1).runInterval().rounds());
    assertTrue(r.markdown().contains("run / FP32 per round: mean [95 % CI]"), r.markdown());
  }

  /**
   * Runs taking turns of 3 steps do the same work as runs one after another: every arm reaches the
   * same accuracy to the digit, so the runs of a round do not disturb one another (their graphs,
   * sessions and the compiled-scope setting each turn sets).
   */
  @Test
  void wholeRunsInTurnsReachTheSameNumbersAsRunsOneAfterAnother(@TempDir Path dir)
      throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    RunBench bench = new RunBench(Plugins.load());
    // FP32 and the arm with compiled scopes, whose setting each of its turns sets again
    List<String> ids = List.of("pq-xla");
    RunBench.Result apart = bench.run(tiny(data), 1, 8, 0.5, ids, 0);
    RunBench.Result turns = bench.run(tiny(data), 1, 8, 0.5, ids, 3);
    assertEquals(2, turns.arms().size());
    assertEquals(0, apart.slice());
    assertEquals(3, turns.slice());
    for (int a = 0; a < apart.arms().size(); a++) {
      RunBench.Arm x = apart.arms().get(a);
      RunBench.Arm y = turns.arms().get(a);
      assertEquals(x.name(), y.name());
      assertEquals(x.accuracy(), y.accuracy(), 0.0, x.name());
      assertTrue(y.runSeconds().get(0) > 0 && y.cpuSeconds().get(0) > 0, y.name());
      assertTrue(y.trainSeconds().isEmpty(), "training time alone is not measured in turns");
      assertEquals(1, y.turnCpuSeconds().size(), "one round's turns");
      assertEquals(
          y.cpuSeconds().get(0),
          y.turnCpuSeconds().get(0).stream().mapToDouble(d -> d).sum(),
          1e-9,
          "the turns add up to the run");
      assertTrue(x.turnCpuSeconds().isEmpty(), "no turns when the runs came one after another");
    }
    assertTrue(turns.markdown().contains("taking turns of 3 training steps"), turns.markdown());
    assertTrue(
        turns
            .markdown()
            .lines()
            .anyMatch(l -> l.startsWith("| FP32 | none |") && l.split("\\|")[5].trim().equals("—")),
        "the training-time column says it was not measured: " + turns.markdown());
  }

  /**
   * Each arm's warm-up run (one epoch of 10 steps) fits the presets' schedules at the default
   * window of 2048 samples, which a 10-step run of the arm itself could not hold (t_q would be 9
   * steps).
   */
  @Test
  void warmUpRunsFitEveryArmAtTheDefaults(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), RunBench.WARMUP_IMAGES, 200);
    TrainConfig base =
        TrainConfig.defaults()
            .copy(Map.<String, Object>of("data", data.toString(), "testLimit", 200));
    assertEquals(2048, base.window());
    int i = 0;
    for (Map.Entry<String, TrainConfig> arm : RunBench.arms(base, 8, 0.5)) {
      TrainConfig w = RunBench.warmup(arm.getValue());
      assertEquals(1, w.epochs());
      assertEquals(arm.getValue().preset(), w.preset());
      Runner.Result r = new Runner(Plugins.load()).run(w, dir.resolve("w" + i++));
      assertTrue(r.seconds() > 0, arm.getKey());
    }
  }

  private static long countBenchFolders() throws Exception {
    try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("jqp-bench-runs")).count();
    }
  }

  @Test
  void prefetchedBatchesAreTheSequentialOnesInOrder(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    TrainConfig c = tiny(data);
    try (TfModel seq = model(c);
        TfModel pre = model(c);
        io.jqp.experiments.tasks.Task.Data d =
            io.jqp.experiments.tasks.Tasks.byId(c.task()).load(c)) {
      int[] order = io.jqp.experiments.tasks.Task.order(d.size(), 1, 0);
      List<Float> a = new ArrayList<>();
      List<Float> b = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        a.add(seq.trainStep(d.batch(order, i, 128)));
      }
      try (BatchPrefetch input = new BatchPrefetch(pre, i -> d.batch(order, i, 128), 0, 4)) {
        for (int i = 0; i < 4; i++) {
          try (TfModel.Prepared p = input.next()) {
            b.add(pre.trainStep(p));
          }
        }
      }
      assertEquals(a, b, "the same losses, step by step");
      assertArrayEquals(
          seq.variableValues().get("conv1/kernel").values(),
          pre.variableValues().get("conv1/kernel").values());
    }
  }

  @Test
  void closingMidEpochFreesTheBatchBeingPrepared(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    TrainConfig c = tiny(data);
    try (TfModel m = model(c);
        io.jqp.experiments.tasks.Task.Data d =
            io.jqp.experiments.tasks.Tasks.byId(c.task()).load(c)) {
      int[] order = io.jqp.experiments.tasks.Task.order(d.size(), 1, 0);
      try (BatchPrefetch input = new BatchPrefetch(m, i -> d.batch(order, i, 128), 0, 4)) {
        try (TfModel.Prepared p = input.next()) {
          m.trainStep(p);
        }
      }
      assertEquals(1, m.step());
    }
  }

  @Test
  void aProfiledRunWritesWhereTheStepTimeGoes(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    Path out = dir.resolve("run");
    new Runner(Plugins.load())
        .profile(2)
        .run(tiny(data).withBits(8).withSparsity(0.5).withPruneActivations(true), out);
    String md = Files.readString(out.resolve("profile.md"));
    assertTrue(md.contains("| op type | ms/step | share | ops/step |"), md);
    assertTrue(md.contains("Conv2D"), "the convolutions are profiled: " + md);
    assertTrue(md.contains("traced training steps"), md);
  }

  static TfModel model(TrainConfig c) throws Exception {
    return TfModel.build(
        new io.jqp.experiments.models.SmallCnn(10),
        new long[] {28, 28, 1},
        io.jqp.engine.tf.Losses.SOFTMAX_CROSS_ENTROPY,
        10,
        io.jqp.api.Recipe.fullPrecision(),
        RunRecipes.optimizer(c, 8),
        1,
        2,
        128,
        "prefetch");
  }
}
