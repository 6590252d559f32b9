package io.jqp.experiments.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jqp.api.Plugins;
import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.Recipe;
import io.jqp.engine.tf.TfModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times training steps of several arms of the same model side by side in one process: full
 * precision, the given bits on weights and activations with weight masks, and the same with
 * activation masks too. Every strategy is on from step 0 and its masks are decided at step 0, so
 * the timed steps are the steady state of a run after its schedules have frozen (updates and window
 * collection happen on a handful of steps only). Steps alternate in blocks between the arms, the
 * order rotating each round, so drift of the machine's speed hits all alike. Inputs are synthetic
 * (seeded Gaussian images, random labels): a step's cost does not depend on their content.
 */
public final class Bench {
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int BLOCK = 25;

  /**
   * The step arms' ids, in their order: FP32, Q(w,a) + P(w), Q(w,a) + P(w,a), the same with
   * rounding half to even, the same with compiled (XLA) scopes; then the W+A arm's parts alone, to
   * see where its extra time goes: Q(w), Q(a), P(w), P(a); last, Q(w,a) + P(w,a) with jqp's kernels
   * on jqp's own pool of threads instead of TensorFlow's intra-op threads.
   */
  public static final List<String> STEP_ARM_IDS =
      List.of("fp32", "w", "wa", "wa-even", "wa-xla", "qw", "qa", "pw", "pa", "wa-ownpool");

  /** The arms timed when none are chosen. */
  public static final List<String> DEFAULT_STEP_ARMS = STEP_ARM_IDS.subList(0, 5);

  /** One arm's timing; {@code stolenPercent}: the share stolen during each of its blocks. */
  public record Arm(
      String name,
      String recipe,
      double millisPerStep,
      double imagesPerSecond,
      double ratio,
      RatioInterval interval,
      double cpuMillisPerStep,
      @org.jspecify.annotations.Nullable RatioInterval cpuInterval,
      @org.jspecify.annotations.Nullable EqualStealRatio atEqualSteal,
      List<Double> stolenPercent) {}

  /** Timings of all arms; ratios are step time over the FP32 arm's. */
  public record Result(
      String model, int batchSize, int threads, int steps, double stolenPercent, List<Arm> arms) {

    public String markdown() {
      StringBuilder s =
          new StringBuilder(
              "| arm | recipe | ms/step | img/s | step time / FP32 | per round of blocks: mean [95 %"
                  + " CI] | CPU ms/step | CPU time / FP32 per round: mean [95 % CI] | step time / FP32"
                  + " at equal steal [95 % CI] |\n"
                  + "|---|---|---|---|---|---|---|---|---|\n");
      for (Arm a : arms) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %.2f | %.0f | %.3f× | %s | %.2f | %s | %s |%n",
                a.name(),
                a.recipe(),
                a.millisPerStep(),
                a.imagesPerSecond(),
                a.ratio(),
                a.interval().markdown(),
                a.cpuMillisPerStep(),
                RatioInterval.markdown(a.cpuInterval()),
                a == arms.get(0) ? "—" : EqualStealRatio.markdown(a.atEqualSteal())));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "%n%s, batch %d, %d threads, %d timed steps per arm, interleaved in blocks of %d;"
                  + " the interval is Student's t over the rounds' paired ratios (each arm's block"
                  + " over FP32's block of the same round). CPU time is this process's, all threads:"
                  + " time the hypervisor stole from this machine (%s of it during the blocks)"
                  + " stretches the wall time but not the CPU time; at equal steal: each round's log"
                  + " ratio fitted against the difference of the two blocks' stolen shares, read"
                  + " where it is zero",
              model,
              batchSize,
              threads,
              steps,
              BLOCK,
              Double.isNaN(stolenPercent) ? "not measured" : stolen(stolenPercent) + " %"));
      return s.toString();
    }
  }

  private final Plugins plugins;

  public Bench(Plugins plugins) {
    this.plugins = plugins;
  }

  public Result run(int steps, int warmup, int batch, int threads, int bits, double sparsity) {
    return run("small-cnn", steps, warmup, batch, threads, bits, sparsity);
  }

  /** The same for another Fashion-MNIST model plugin (e.g. {@code mobilenet-v2}). */
  public Result run(
      String model, int steps, int warmup, int batch, int threads, int bits, double sparsity) {
    return run(model, steps, warmup, batch, threads, bits, sparsity, DEFAULT_STEP_ARMS);
  }

  /**
   * The same with only the arms named in {@code armIds} (of {@link #STEP_ARM_IDS}; FP32 always
   * runs, first): fewer arms, shorter rounds, so each arm's block sits closer to FP32's.
   */
  public Result run(
      String model,
      int steps,
      int warmup,
      int batch,
      int threads,
      int bits,
      double sparsity,
      List<String> armIds) {
    for (String id : armIds) {
      if (!STEP_ARM_IDS.contains(id)) {
        throw new IllegalArgumentException("unknown step arm '" + id + "'; one of " + STEP_ARM_IDS);
      }
    }
    io.jqp.engine.tf.ModelInput input =
        new io.jqp.experiments.tasks.FashionMnistTask().modelInput();
    io.jqp.engine.tf.TfModelDef def =
        io.jqp.experiments.models.Models.create(model, input, Map.of());
    long[] shape =
        io.jqp.experiments.models.Models.byId(model).inputShape(input).stream()
            .mapToLong(Long::longValue)
            .toArray();
    long sample = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    Quantizer q = plugins.quantizer("fixed", Map.of("bits", bits));
    Pruner wp = plugins.pruner("magnitude", Map.of("sparsity", sparsity));
    Pruner ap =
        plugins.pruner("windowed", Map.<String, Object>of("sparsity", sparsity, "window", batch));
    Recipe fp32 = Recipe.fullPrecision();
    Recipe qpw = fp32.withWeightQuantizer(q).withActivationQuantizer(q).withWeightPruner(wp);
    Recipe qpwa = qpw.withActivationPruner(ap);
    // rounding half to even runs TensorFlow's fused quantize-dequantize kernel (truncation cannot)
    Quantizer even =
        plugins.quantizer("fixed", Map.<String, Object>of("bits", bits, "rounding", "half-even"));
    Recipe evenWa =
        fp32.withWeightQuantizer(even)
            .withActivationQuantizer(even)
            .withWeightPruner(wp)
            .withActivationPruner(ap);
    List<String> allNames =
        List.of(
            "FP32",
            "Q" + bits + "(w,a) + P" + sparsity + "(w)",
            "Q" + bits + "(w,a) + P" + sparsity + "(w,a)",
            "Q" + bits + " half-even (w,a) + P" + sparsity + "(w,a)",
            "Q" + bits + "(w,a) + P" + sparsity + "(w,a), XLA",
            "Q" + bits + "(w)",
            "Q" + bits + "(a)",
            "P" + sparsity + "(w)",
            "P" + sparsity + "(a)",
            "Q" + bits + "(w,a) + P" + sparsity + "(w,a), jqp's own threads");
    List<String> allDescribed =
        List.of(
            "Quantizer.identity() / Pruner.none()",
            q + " (w+a), " + wp + " (w)",
            q + " (w+a), " + wp + " (w), " + ap + " (a)",
            even + " (w+a), " + wp + " (w), " + ap + " (a)",
            q + " (w+a), " + wp + " (w), " + ap + " (a), compiled scopes (--xla)",
            q + " (w)",
            q + " (a)",
            wp + " (w)",
            ap + " (a)",
            q + " (w+a), " + wp + " (w), " + ap + " (a), kernels on jqp's own thread pool");
    List<Recipe> allRecipes =
        List.of(
            fp32,
            qpw,
            qpwa,
            evenWa,
            qpwa,
            fp32.withWeightQuantizer(q),
            fp32.withActivationQuantizer(q),
            fp32.withWeightPruner(wp),
            fp32.withActivationPruner(ap),
            qpwa);
    List<Integer> chosen = new ArrayList<>();
    for (int i = 0; i < STEP_ARM_IDS.size(); i++) {
      if (i == 0 || armIds.contains(STEP_ARM_IDS.get(i))) {
        chosen.add(i);
      }
    }
    List<String> names = chosen.stream().map(allNames::get).toList();
    List<String> described = chosen.stream().map(allDescribed::get).toList();
    List<Recipe> recipes = chosen.stream().map(allRecipes::get).toList();
    Random r = new Random(7);
    float[] x = new float[(int) (batch * sample)];
    int[] y = new int[batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < batch; i++) {
      y[i] = r.nextInt(10);
    }
    TfModel.Batch b = TfModel.Batch.classification(x, y);
    long totalSteps = warmup + steps + BLOCK;
    List<TfModel> models = new ArrayList<>();
    try {
      for (int i = 0; i < recipes.size(); i++) {
        // the wa-xla arm is built with the compiled (XLA) scopes on, wa-ownpool with jqp's pool
        Recipe recipe = recipes.get(i);
        String id = STEP_ARM_IDS.get(chosen.get(i));
        String fingerprint = "bench-" + chosen.get(i);
        models.add(
            io.jqp.engine.tf.TfNativeKernels.ownPoolDuring(
                id.equals("wa-ownpool"),
                () ->
                    io.jqp.engine.tf.TfFusion.during(
                        id.equals("wa-xla"),
                        () ->
                            TfModel.build(
                                def,
                                shape,
                                io.jqp.engine.tf.Losses.SOFTMAX_CROSS_ENTROPY,
                                10,
                                recipe,
                                RunRecipes.optimizer(TrainConfig.defaults(), totalSteps),
                                1,
                                threads,
                                batch,
                                fingerprint))));
      }
      for (int i = 0; i < warmup; i++) {
        for (TfModel m : models) {
          m.trainStep(b);
        }
      }
      long[] nanos = new long[models.size()];
      double[] cpu = new double[models.size()];
      List<List<Double>> perRound = new ArrayList<>();
      List<List<Double>> cpuPerRound = new ArrayList<>();
      List<List<Double>> stolenPerRound = new ArrayList<>();
      for (int i = 0; i < models.size(); i++) {
        perRound.add(new ArrayList<>());
        cpuPerRound.add(new ArrayList<>());
        stolenPerRound.add(new ArrayList<>());
      }
      CpuClock.Reading first = CpuClock.now();
      int done = 0;
      int round = 0;
      while (done < steps) {
        int k = Math.min(BLOCK, steps - done);
        for (int j = 0; j < models.size(); j++) {
          int a = (j + round) % models.size();
          CpuClock.Reading t = CpuClock.now();
          for (int s = 0; s < k; s++) {
            models.get(a).trainStep(b);
          }
          CpuClock.Span span = CpuClock.since(t);
          long took = Math.round(span.wallSeconds() * 1e9);
          nanos[a] += took;
          perRound.get(a).add((double) took);
          cpu[a] += span.cpuSeconds();
          cpuPerRound.get(a).add(span.cpuSeconds());
          stolenPerRound.get(a).add(span.stolen() * 100);
        }
        round++;
        done += k;
      }
      double stolen = CpuClock.since(first).stolen() * 100;
      List<Arm> arms = new ArrayList<>();
      double base = nanos[0] / 1e6 / steps;
      for (int i = 0; i < models.size(); i++) {
        double ms = nanos[i] / 1e6 / steps;
        arms.add(
            new Arm(
                names.get(i),
                described.get(i),
                ms,
                batch * 1000 / ms,
                ms / base,
                RatioInterval.of(perRound.get(i), perRound.get(0)),
                cpu[i] * 1e3 / steps,
                RatioInterval.ofMeasured(cpuPerRound.get(i), cpuPerRound.get(0)),
                EqualStealRatio.of(
                    perRound.get(i), perRound.get(0), stolenPerRound.get(i), stolenPerRound.get(0)),
                stolenPerRound.get(i)));
      }
      return new Result(model, batch, threads, steps, stolen, arms);
    } finally {
      models.forEach(TfModel::close);
    }
  }

  /** {@code "12.3"} (one decimal), or "not measured" for NaN. */
  static String stolen(double percent) {
    return Double.isNaN(percent) ? "not measured" : String.format(Locale.ROOT, "%.1f", percent);
  }
}
