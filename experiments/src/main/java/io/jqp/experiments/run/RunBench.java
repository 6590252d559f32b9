package io.jqp.experiments.run;

import io.jqp.api.Plugins;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Whole runs timed side by side, as users run them: FP32 and the W+A presets (8 bits, 50 % of
 * weights and activations pruned, prune-then-quantize and quantize-then-prune, with the presets'
 * schedules), each a full {@link Runner#run} on Fashion-MNIST with the small CNN (data loading,
 * every step and update, the evaluations). Rounds alternate the arms, the order rotating each
 * round, so drift of the machine's speed hits all alike; or (with a slice) a round's runs take
 * turns of a few steps ({@link InterleavedRuns}), so that drift within a round hits them alike too.
 * Run folders go to a scratch folder, deleted after.
 */
public final class RunBench {

  /**
   * One arm's runs. {@code phaseStarts}: the steps where the engine switched its training step
   * (strategies switching on, windows collecting; {@link io.jqp.engine.tf.TfModel#phaseStarts}).
   * {@code turnWallSeconds}, {@code turnCpuSeconds}: each round's turns when the runs took turns
   * ({@link InterleavedRuns.Timed}), else empty.
   */
  public record Arm(
      String name,
      String preset,
      List<Double> runSeconds,
      List<Double> trainSeconds,
      double accuracy,
      double runRatio,
      double trainRatio,
      RatioInterval runInterval,
      List<Double> cpuSeconds,
      @org.jspecify.annotations.Nullable RatioInterval cpuInterval,
      List<Double> stolenPercent,
      @org.jspecify.annotations.Nullable EqualStealRatio runAtEqualSteal,
      List<Long> phaseStarts,
      List<List<Double>> turnWallSeconds,
      List<List<Double>> turnCpuSeconds) {

    double meanRun() {
      return runSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** NaN where the training time was not measured (runs taking turns). */
    double meanTrain() {
      return mean(trainSeconds);
    }

    double meanCpu() {
      return mean(cpuSeconds);
    }

    double meanStolen() {
      return mean(stolenPercent);
    }
  }

  /**
   * Every arm; ratios are over the FP32 arm's mean. {@code slice}: the runs of a round took turns
   * of this many steps ({@link InterleavedRuns}); 0: they ran one after another.
   */
  public record Result(
      String model, int epochs, int rounds, int threads, int slice, List<Arm> arms) {

    public String markdown() {
      StringBuilder s =
          new StringBuilder(
              "| arm | preset | whole run s (each) | mean | training s (mean) | accuracy % (last)"
                  + " | run time / FP32 | training time / FP32 | run / FP32 per round: mean [95 % CI]"
                  + " | CPU s (mean) | CPU time / FP32 per round: mean [95 % CI] | stolen % (mean)"
                  + " | run / FP32 at equal steal [95 % CI] |\n"
                  + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Arm a : arms) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %.1f | %s | %.2f | %.3f× | %s | %s | %.1f | %s | %s | %s |%n",
                a.name(),
                a.preset(),
                String.join(
                    ", ",
                    a.runSeconds().stream()
                        .map(v -> String.format(Locale.ROOT, "%.1f", v))
                        .toList()),
                a.meanRun(),
                orDash("%.1f", a.meanTrain()),
                a.accuracy(),
                a.runRatio(),
                orDash("%.3f×", a.trainRatio()),
                a.runInterval().markdown(),
                a.meanCpu(),
                RatioInterval.markdown(a.cpuInterval()),
                Bench.stolen(a.meanStolen()),
                a == arms.get(0) ? "—" : EqualStealRatio.markdown(a.runAtEqualSteal())));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "%n%s on Fashion-MNIST, %d epochs, %d rounds %s, %d threads; the"
                  + " interval is Student's t over the rounds' paired ratios (each arm over the FP32"
                  + " run of its own round): a target above its upper end is met beyond this"
                  + " machine's noise. CPU time is this process's, all threads; stolen is the share"
                  + " of the machine's time the hypervisor gave to other guests during a run, which"
                  + " stretches its wall time but not its CPU time; at equal steal: each round's log"
                  + " ratio fitted against the difference of the two runs' stolen shares, read where"
                  + " it is zero",
              model,
              epochs,
              rounds,
              slice > 0
                  ? "of the arms' runs taking turns of "
                      + slice
                      + " training steps, one computing at a time (each run's time summed over its"
                      + " own turns; the training time alone is not measured then)"
                  : "alternating the arms",
              threads));
      return s.toString();
    }

    /**
     * Where each arm's time differs from FP32's, by the phases of its runs ({@link TurnsByPhase});
     * empty unless the runs took turns.
     */
    public String byPhaseMarkdown() {
      return TurnsByPhase.markdown(this);
    }

    private static String orDash(String format, double v) {
      return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, format, v);
    }
  }

  private final Plugins plugins;

  public RunBench(Plugins plugins) {
    this.plugins = plugins;
  }

  /**
   * The arms' configs: FP32 and the two W+A presets at {@code bits} and {@code sparsity}, and
   * prune-then-quantize once more with compiled scopes.
   */
  static List<Map.Entry<String, TrainConfig>> arms(TrainConfig base, int bits, double sparsity) {
    return arms(base, bits, sparsity, ARM_IDS);
  }

  /**
   * The arms' ids ({@code --run-arms}) in their order: FP32, prune-then-quantize, the same with
   * compiled scopes, quantize-then-prune.
   */
  public static final List<String> ARM_IDS = List.of("fp32", "pq", "pq-xla", "qp");

  /** The arms of {@code ids} (a subset of {@link #ARM_IDS}; FP32 always), in their order. */
  static List<Map.Entry<String, TrainConfig>> arms(
      TrainConfig base, int bits, double sparsity, java.util.Collection<String> ids) {
    for (String id : ids) {
      if (!ARM_IDS.contains(id)) {
        throw new io.jqp.api.JqpException(
            "--run-arms: unknown arm '" + id + "'; use some of " + String.join(", ", ARM_IDS));
      }
    }
    TrainConfig wa = base.withBits(bits).withSparsity(sparsity).withPruneActivations(true);
    List<Map.Entry<String, TrainConfig>> all =
        List.of(
            Map.entry("FP32", base),
            Map.entry("W+A P→Q", wa.withPreset("prune-then-quantize")),
            Map.entry(FUSED, wa.withPreset("prune-then-quantize")),
            Map.entry("W+A Q→P", wa.withPreset("quantize-then-prune")));
    List<Map.Entry<String, TrainConfig>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (i == 0 || ids.contains(ARM_IDS.get(i))) {
        out.add(all.get(i));
      }
    }
    return out;
  }

  /**
   * The arm run with the engine's compiled (XLA) scopes on ({@code --xla}), to show what they
   * bring.
   */
  static final String FUSED = "W+A P→Q, XLA";

  /**
   * Training and test images of each arm's untimed warm-up run (10 steps of batch 128; at least one
   * batch).
   */
  static final int WARMUP_IMAGES = 1280;

  public Result run(int rounds, int epochs, int threads, int bits, double sparsity)
      throws IOException {
    return run(rounds, epochs, threads, bits, sparsity, ARM_IDS);
  }

  /** The same for the arms of {@code ids} only (FP32 always; see {@link #ARM_IDS}). */
  public Result run(
      int rounds, int epochs, int threads, int bits, double sparsity, List<String> ids)
      throws IOException {
    return run(rounds, epochs, threads, bits, sparsity, ids, 0);
  }

  /** The same, the runs of a round taking turns of {@code slice} steps (0: one after another). */
  public Result run(
      int rounds, int epochs, int threads, int bits, double sparsity, List<String> ids, int slice)
      throws IOException {
    return run(
        TrainConfig.defaults().withEpochs(epochs).copy(Map.of("threads", threads)),
        rounds,
        bits,
        sparsity,
        ids,
        slice);
  }

  /** The same from another base config (data, limits, model); its FP32 arm is {@code base}. */
  public Result run(TrainConfig base, int rounds, int bits, double sparsity) throws IOException {
    return run(base, rounds, bits, sparsity, ARM_IDS);
  }

  /** The same for the arms of {@code ids} only. */
  public Result run(TrainConfig base, int rounds, int bits, double sparsity, List<String> ids)
      throws IOException {
    return run(base, rounds, bits, sparsity, ids, 0);
  }

  /**
   * The same, each round's runs taking turns of {@code slice} training steps ({@link
   * InterleavedRuns}; 0: one run after another).
   */
  public Result run(
      TrainConfig base, int rounds, int bits, double sparsity, List<String> ids, int slice)
      throws IOException {
    if (slice < 0) {
      throw new io.jqp.api.JqpException("--slice: must be >= 0 steps, got " + slice);
    }
    int epochs = base.epochs();
    int threads = base.threads();
    List<Map.Entry<String, TrainConfig>> arms = arms(base, bits, sparsity, ids);
    List<Tally> tallies = new ArrayList<>();
    for (int i = 0; i < arms.size(); i++) {
      tallies.add(new Tally());
    }
    Path scratch = Files.createTempDirectory("jqp-bench-runs");
    try {
      // Every arm once at a tiny scale first, untimed: a user's run pays the process's first-run
      // costs (JIT compilation, TensorFlow's and oneDNN's first kernels) whatever its arm, but in
      // one process only the first timed arm would (FP32's first run was 2.6–9.1 s slower than
      // its second in the fourth session's invocations, where FP32 came first in round 1).
      for (int a = 0; a < arms.size(); a++) {
        System.err.printf(Locale.ROOT, "bench: warm-up, %s%n", arms.get(a).getKey());
        TrainConfig tiny = warmup(arms.get(a).getValue());
        Path folder = scratch.resolve("warmup-a" + a);
        io.jqp.engine.tf.TfFusion.during(
            fusion(arms.get(a).getKey()), () -> new Runner(plugins).run(tiny, folder));
      }
      for (int r = 0; r < rounds; r++) {
        if (slice > 0) {
          inTurns(arms, r, rounds, slice, scratch, tallies);
          continue;
        }
        for (int j = 0; j < arms.size(); j++) {
          int a = (j + r) % arms.size();
          Map.Entry<String, TrainConfig> arm = arms.get(a);
          System.err.printf(Locale.ROOT, "bench: round %d/%d, %s%n", r + 1, rounds, arm.getKey());
          Path folder = scratch.resolve("r" + r + "-a" + a);
          CpuClock.Reading start = CpuClock.now();
          Tally t = tallies.get(a);
          Runner.Result res =
              io.jqp.engine.tf.TfFusion.during(
                  fusion(arm.getKey()),
                  () ->
                      new Runner(plugins)
                          .afterEachStep(m -> t.phaseStarts = List.copyOf(m.phaseStarts()))
                          .run(arm.getValue(), folder));
          CpuClock.Span span = CpuClock.since(start);
          t.run.add(res.seconds());
          t.train.add(res.trainSeconds());
          t.cpu.add(span.cpuSeconds());
          t.stolen.add(span.stolen() * 100);
          t.accuracy = res.metric();
        }
      }
    } finally {
      delete(scratch);
    }
    Tally fp32 = tallies.get(0);
    List<Arm> out = new ArrayList<>();
    for (int i = 0; i < arms.size(); i++) {
      Tally t = tallies.get(i);
      out.add(
          new Arm(
              arms.get(i).getKey(),
              arms.get(i).getValue().preset(),
              List.copyOf(t.run),
              List.copyOf(t.train),
              t.accuracy,
              mean(t.run) / mean(fp32.run),
              t.train.isEmpty() ? Double.NaN : mean(t.train) / mean(fp32.train),
              RatioInterval.of(t.run, fp32.run),
              List.copyOf(t.cpu),
              RatioInterval.ofMeasured(t.cpu, fp32.cpu),
              List.copyOf(t.stolen),
              EqualStealRatio.of(t.run, fp32.run, t.stolen, fp32.stolen),
              t.phaseStarts,
              List.copyOf(t.turnWall),
              List.copyOf(t.turnCpu)));
    }
    return new Result(base.model(), epochs, rounds, threads, slice, out);
  }

  /** What the rounds measured of one arm. */
  private static final class Tally {
    final List<Double> run = new ArrayList<>();
    final List<Double> train = new ArrayList<>();
    final List<Double> cpu = new ArrayList<>();
    final List<Double> stolen = new ArrayList<>();
    final List<List<Double>> turnWall = new ArrayList<>();
    final List<List<Double>> turnCpu = new ArrayList<>();
    double accuracy;
    List<Long> phaseStarts = List.of();
  }

  /**
   * Round {@code r}: every arm's run at once, taking turns of {@code slice} steps, the first turn
   * rotating with the round.
   */
  private void inTurns(
      List<Map.Entry<String, TrainConfig>> arms,
      int r,
      int rounds,
      int slice,
      Path scratch,
      List<Tally> tallies)
      throws IOException {
    List<Integer> order = new ArrayList<>();
    List<InterleavedRuns.Run<Runner.Result>> runs = new ArrayList<>();
    List<Runnable> onTurn = new ArrayList<>();
    for (int j = 0; j < arms.size(); j++) {
      int a = (j + r) % arms.size();
      Map.Entry<String, TrainConfig> arm = arms.get(a);
      Tally t = tallies.get(a);
      Path folder = scratch.resolve("r" + r + "-a" + a);
      order.add(a);
      runs.add(
          hook ->
              new Runner(plugins)
                  .afterEachStep(
                      m -> {
                        t.phaseStarts = List.copyOf(m.phaseStarts());
                        hook.run();
                      })
                  .run(arm.getValue(), folder));
      io.jqp.engine.tf.TfFusion.Mode mode = fusion(arm.getKey());
      onTurn.add(() -> io.jqp.engine.tf.TfFusion.set(mode));
    }
    System.err.printf(
        Locale.ROOT,
        "bench: round %d/%d, %s in turns of %d steps%n",
        r + 1,
        rounds,
        String.join(", ", order.stream().map(a -> arms.get(a).getKey()).toList()),
        slice);
    List<InterleavedRuns.Timed<Runner.Result>> timed;
    try {
      timed =
          io.jqp.engine.tf.TfFusion.during(
              io.jqp.engine.tf.TfFusion.mode(), () -> InterleavedRuns.run(runs, onTurn, slice));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
    for (int j = 0; j < order.size(); j++) {
      Tally t = tallies.get(order.get(j));
      InterleavedRuns.Timed<Runner.Result> x = timed.get(j);
      t.run.add(x.wallSeconds());
      t.cpu.add(x.cpuSeconds());
      t.stolen.add(x.stolenPercent());
      t.turnWall.add(x.turnWallSeconds());
      t.turnCpu.add(x.turnCpuSeconds());
      t.accuracy = x.result().metric();
    }
  }

  /**
   * The untimed warm-up run of an arm: one epoch of {@link #WARMUP_IMAGES} images (within the arm's
   * own limits, one batch at least) and one batch per window, so the presets' t_q fits it.
   */
  static TrainConfig warmup(TrainConfig c) {
    return c.withEpochs(1)
        .copy(
            Map.of(
                "trainLimit", warmupLimit(c.trainLimit(), c.batchSize()),
                "testLimit", warmupLimit(c.testLimit(), c.batchSize()),
                "window", Math.min(c.window(), c.batchSize())));
  }

  /**
   * A warm-up run's image limit: {@link #WARMUP_IMAGES}, within the run's own, one batch at least.
   */
  private static int warmupLimit(int limit, int batch) {
    return Math.min(limit > 0 ? limit : Integer.MAX_VALUE, Math.max(WARMUP_IMAGES, batch));
  }

  /** The compiled scopes of an arm's runs: forced on for {@link #FUSED}, else the default. */
  private static io.jqp.engine.tf.TfFusion.Mode fusion(String arm) {
    return arm.equals(FUSED)
        ? io.jqp.engine.tf.TfFusion.Mode.ON
        : io.jqp.engine.tf.TfFusion.Mode.AUTO;
  }

  private static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
