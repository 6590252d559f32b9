package io.jqp.experiments.cli;

import io.jqp.api.Plugins;
import io.jqp.experiments.run.AtomicFiles;
import io.jqp.experiments.run.Bench;
import io.jqp.experiments.run.RunBench;
import io.jqp.experiments.run.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jqp bench}: one training step, FP32 against quantized + pruned, side by side in one
 * process.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Time training steps of the small CNN in FP32, with 8-bit weights+activations and 50%% weight masks, and with activation masks too, interleaved in one process, and print the ratios.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--steps", description = "timed steps per arm (default: ${DEFAULT-VALUE})")
  int steps = 400;

  @Option(
      names = "--warmup",
      description = "untimed steps per arm first (default: ${DEFAULT-VALUE})")
  int warmup = 50;

  @Option(names = "--batch-size", description = "batch size (default: ${DEFAULT-VALUE})")
  int batch = 128;

  @Option(
      names = "--threads",
      description = "TensorFlow intra-op threads (default: ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--bits", description = "bits of the quantized arm (default: ${DEFAULT-VALUE})")
  int bits = 8;

  @Option(
      names = "--sparsity",
      description = "weight sparsity of the pruned arm (default: ${DEFAULT-VALUE})")
  double sparsity = 0.5;

  @Option(names = "--json", description = "also write the result as JSON to this file")
  Path json;

  @Option(
      names = "--model",
      description =
          "model of the step arms, any Fashion-MNIST model plugin (default: ${DEFAULT-VALUE})")
  String model = "small-cnn";

  @Option(
      names = "--step-arms",
      split = ",",
      description =
          "the step arms besides FP32, some of w (Q(w,a) + P(w)), wa (Q(w,a) + P(w,a)), wa-even"
              + " (the same, rounding half to even), wa-xla (the same with compiled scopes), and"
              + " the W+A arm's parts alone: qw (Q(w)), qa (Q(a)), pw (P(w)), pa (P(a)); and"
              + " wa-ownpool (wa with jqp's kernels on jqp's own threads, not TensorFlow's);"
              + " fewer arms, shorter rounds (default: w,wa,wa-even,wa-xla)")
  List<String> stepArms = Bench.DEFAULT_STEP_ARMS.subList(1, Bench.DEFAULT_STEP_ARMS.size());

  @Option(
      names = "--runs",
      description =
          "also time whole runs (Fashion-MNIST, small CNN): FP32 and the W+A presets"
              + " (prune-then-quantize, quantize-then-prune; --bits, --sparsity on weights and"
              + " activations), this many rounds alternating the arms, after an untimed 10-step run"
              + " of each arm (default: ${DEFAULT-VALUE}: none)")
  int runs;

  @Option(names = "--epochs", description = "epochs of each whole run (default: ${DEFAULT-VALUE})")
  int epochs = 4;

  @Option(
      names = "--run-arms",
      split = ",",
      description =
          "the whole-run arms besides FP32, some of pq (prune-then-quantize), pq-xla (the same with"
              + " compiled scopes), qp (quantize-then-prune); fewer arms, more rounds in the same"
              + " time (default: pq,pq-xla,qp)")
  List<String> runArms = List.of("pq", "pq-xla", "qp");

  @Option(
      names = "--slice",
      description =
          "with --runs: the runs of a round take turns of this many training steps, one computing"
              + " at a time, each timed over its own turns, so the machine's slow spells hit every"
              + " arm alike (0: one whole run after another; default: ${DEFAULT-VALUE})")
  int slice;

  @Option(
      names = "--pool",
      split = ",",
      paramLabel = "FILE",
      description =
          "time nothing: pool the rounds of two or more earlier --json files of the same bench"
              + " and print the intervals over all of them (with --json, also write them)")
  List<Path> pool = List.of();

  @Override
  public Integer call() throws Exception {
    if (!pool.isEmpty()) {
      need(runs == 0, "--pool", "times nothing, it reads earlier benches; drop --runs");
      return pool();
    }
    // every argument checked before the first step is timed
    need(steps >= 1 && steps <= 1_000_000, "--steps", "must be in [1, 1000000], got " + steps);
    need(warmup >= 0 && warmup <= 1_000_000, "--warmup", "must be in [0, 1000000], got " + warmup);
    need(batch >= 1 && batch <= 4096, "--batch-size", "must be in [1, 4096], got " + batch);
    need(threads >= 1 && threads <= 256, "--threads", "must be in [1, 256], got " + threads);
    need(bits >= 2 && bits <= 16, "--bits", "must be in [2, 16], got " + bits);
    need(sparsity > 0 && sparsity < 1, "--sparsity", "must be in (0, 1), got " + sparsity);
    need(
        io.jqp.experiments.models.Models.all().containsKey(model),
        "--model",
        "unknown model '" + model + "'; one of " + io.jqp.experiments.models.Models.all().keySet());
    need(runs >= 0 && runs <= 100, "--runs", "must be in [0, 100], got " + runs);
    need(epochs >= 1 && epochs <= 100, "--epochs", "must be in [1, 100], got " + epochs);
    need(slice >= 0 && slice <= 1_000_000, "--slice", "must be in [0, 1000000], got " + slice);
    need(slice == 0 || runs > 0, "--slice", "times whole runs in turns; give --runs too");
    for (String arm : stepArms) {
      need(
          Bench.STEP_ARM_IDS.contains(arm) && !arm.equals("fp32"),
          "--step-arms",
          "unknown arm '"
              + arm
              + "'; use some of "
              + String.join(", ", Bench.STEP_ARM_IDS.subList(1, Bench.STEP_ARM_IDS.size()))
              + " (FP32 always runs)");
    }
    for (String arm : runArms) {
      need(
          RunBench.ARM_IDS.contains(arm) && !arm.equals("fp32"),
          "--run-arms",
          "unknown arm '" + arm + "'; use some of pq, pq-xla, qp (FP32 always runs)");
    }
    if (runs > 0) {
      io.jqp.experiments.data.FashionMnist.checkPresent(Path.of(TrainConfig.defaults().data()));
    }
    if (json != null) {
      checkJson();
    }
    Plugins plugins = Plugins.load();
    Bench.Result r =
        new Bench(plugins).run(model, steps, warmup, batch, threads, bits, sparsity, stepArms);
    System.out.println("Steady-state training steps (every strategy on from step 0):\n");
    System.out.println(r.markdown());
    System.out.println(kernels());
    RunBench.Result whole = null;
    if (runs > 0) {
      whole = new RunBench(plugins).run(runs, epochs, threads, bits, sparsity, runArms, slice);
      System.out.println("\nWhole runs (the presets' schedules, data loading and evaluations):\n");
      System.out.println(whole.markdown());
      String byPhase = whole.byPhaseMarkdown();
      if (!byPhase.isEmpty()) {
        System.out.println(byPhase);
      }
    }
    if (json != null) {
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("steps", r);
      if (whole != null) {
        all.put("runs", whole);
      }
      AtomicFiles.write(json, Bench.JSON.writeValueAsString(all));
    }
    return 0;
  }

  /** Which kernels the quantized arms ran, and on which threads, so a result says what it timed. */
  private static String kernels() {
    if (!io.jqp.engine.tf.TfNativeKernels.available()) {
      return "\njqp's kernels: not loaded (TensorFlow's kernels only)";
    }
    return io.jqp.engine.tf.TfNativeKernels.onTensorFlowThreads()
        ? "\njqp's kernels: loaded; their parts run on TensorFlow's intra-op threads (the"
            + " wa-ownpool arm's on jqp's own pool)"
        : "\njqp's kernels: loaded; their parts run on jqp's own pool of threads (JQP_TF_POOL=0,"
            + " or TensorFlow's intra-op threads not found)";
  }

  private Integer pool() throws java.io.IOException {
    if (json != null) {
      checkJson();
      need(
          !pool.stream()
              .map(p -> p.toAbsolutePath().normalize())
              .toList()
              .contains(json.toAbsolutePath().normalize()),
          "--json",
          json + " is one of the --pool files; give another file to write");
    }
    io.jqp.experiments.run.BenchPool.Result r = io.jqp.experiments.run.BenchPool.of(pool);
    System.out.println(r.markdown());
    if (json != null) {
      AtomicFiles.write(json, Bench.JSON.writeValueAsString(r));
    }
    return 0;
  }

  private void checkJson() {
    need(!json.toString().isBlank(), "--json", "is empty; give a file to write");
    need(!Files.isDirectory(json), "--json", json + " is a folder; give a file to write");
    Path parent = json.toAbsolutePath().getParent();
    need(
        parent != null && Files.isDirectory(parent) && Files.isWritable(parent),
        "--json",
        json + " cannot be written: its folder does not exist or is not writable");
  }

  private static void need(boolean ok, String option, String message) {
    if (!ok) {
      throw new io.jqp.api.JqpException(option + ": " + message);
    }
  }
}
