package io.jqp.experiments.cli;

import io.jqp.api.Plugins;
import io.jqp.experiments.run.RunResults;
import io.jqp.experiments.run.Runner;
import io.jqp.experiments.run.TrainConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jqp train}: the quick path to one training run. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train a model on a task (Fashion-MNIST classification or x3 super-resolution) and write a run folder.")
final class TrainCommand implements Callable<Integer> {
  private static final TrainConfig D = TrainConfig.defaults();

  @Option(
      names = "--task",
      description = "task: fashion-mnist or sr-x3 (default: ${DEFAULT-VALUE})")
  String task = D.task();

  @Option(
      names = "--model",
      description =
          "architecture (default: the task's first, small-cnn for fashion-mnist, espcn for sr-x3)")
  String model;

  @Option(names = "--epochs", description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs = D.epochs();

  @Option(names = "--batch-size", description = "batch size (default: ${DEFAULT-VALUE})")
  int batchSize = D.batchSize();

  @Option(names = "--optimizer", description = "adam or sgd (default: ${DEFAULT-VALUE})")
  String optimizer = D.optimizer();

  @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})")
  double lr = D.learningRate();

  @Option(
      names = "--lr-schedule",
      description = "constant, step or cosine (default: ${DEFAULT-VALUE})")
  String lrSchedule = D.lrSchedule();

  @Option(names = "--momentum", description = "SGD momentum (default: ${DEFAULT-VALUE})")
  double momentum = D.momentum();

  @Option(names = "--weight-decay", description = "L2 on kernels (default: ${DEFAULT-VALUE})")
  double weightDecay = D.weightDecay();

  @Option(names = "--seed", description = "seed (default: ${DEFAULT-VALUE})")
  long seed = D.seed();

  @Option(
      names = "--threads",
      description = "TensorFlow intra-op threads (default: ${DEFAULT-VALUE})")
  int threads = D.threads();

  @Option(
      names = "--bits",
      description =
          "bits of weights and activations; 32 = full precision (default: ${DEFAULT-VALUE})")
  int bits = D.bits();

  @Option(
      names = "--sparsity",
      description = "weight sparsity, first and last layers excluded (default: ${DEFAULT-VALUE})")
  double sparsity = D.sparsity();

  @Option(names = "--quantizer", description = "quantizer plugin id (default: ${DEFAULT-VALUE})")
  String quantizer = D.quantizer();

  @Option(names = "--pruner", description = "pruner plugin id (default: ${DEFAULT-VALUE})")
  String pruner = D.pruner();

  @Option(
      names = "--data",
      description =
          "the task's data folder (default: /usr/share/datasets/fashion-mnist; the SR photos in ~/.local/share/jqp/photos)")
  String data;

  @Option(
      names = "--train-limit",
      description = "use the first N training images, 0 = all (default: ${DEFAULT-VALUE})")
  int trainLimit = 0;

  @Option(
      names = "--test-limit",
      description = "use the first N test images, 0 = all (default: ${DEFAULT-VALUE})")
  int testLimit = 0;

  @Option(
      names = "--preset",
      description =
          "none, prune-then-quantize or quantize-then-prune: the paper's classification schedule scaled to --epochs (default: ${DEFAULT-VALUE})")
  String preset = D.preset();

  @Option(
      names = "--prune-activations",
      description = "also prune activations with the windowed pruner")
  boolean pruneActivations;

  @Option(
      names = "--window",
      description =
          "T: activation samples in the pruning and d* windows (default: ${DEFAULT-VALUE})")
  int window = D.window();

  @Option(
      names = "--tq-weights",
      description = "t_q of weights in steps (default: from the preset)")
  long tqWeights = -1;

  @Option(
      names = "--tq-activations",
      description = "t_q of activations in steps (default: from the preset)")
  long tqActivations = -1;

  @Option(
      names = "--tp",
      description = "t_p: first step of the pruning schedule (default: from the preset)")
  long tp = -1;

  @Option(
      names = "--prune-interval",
      description = "Δ: steps between mask updates (default: from the preset)")
  long interval = -1;

  @Option(
      names = "--prune-repetitions",
      description = "n: mask updates, 0 = at once at t_p (default: from the preset)")
  int repetitions = -1;

  @Option(names = "--method", description = "jqp, djpq or two-stage (default: ${DEFAULT-VALUE})")
  String method = D.method();

  @Option(
      names = "--beta",
      description = "DJPQ: weight of the BOPs cost (default: ${DEFAULT-VALUE})")
  double beta = D.beta();

  @Option(
      names = "--gamma",
      description = "DJPQ: weight of the gates' KL term (default: ${DEFAULT-VALUE})")
  double gamma = D.gamma();

  @Option(names = "--power-of-two", description = "DJPQ: bit-widths in {2, 4, 8, 16}")
  boolean powerOfTwo;

  @Option(
      names = "--checkpoint-every",
      description =
          "save a checkpoint every N steps, 0 = only at the end (default: ${DEFAULT-VALUE})")
  int checkpointEvery = D.checkpointEvery();

  @Option(
      names = "--out",
      required = true,
      description = "run folder to create (must not hold a run)")
  Path out;

  @picocli.CommandLine.Mixin ProfileOption profile = new ProfileOption();
  @picocli.CommandLine.Mixin XlaOption xla = new XlaOption();

  @Override
  public Integer call() throws Exception {
    io.jqp.experiments.tasks.Task t = io.jqp.experiments.tasks.Tasks.byId(task);
    TrainConfig c =
        new TrainConfig(
            task,
            model != null ? model : t.defaultModel(),
            epochs,
            batchSize,
            optimizer,
            lr,
            lrSchedule,
            momentum,
            weightDecay,
            seed,
            threads,
            bits,
            sparsity,
            quantizer,
            pruner,
            data != null ? data : t.defaultData(),
            trainLimit,
            testLimit,
            preset,
            pruneActivations,
            window,
            tqWeights,
            tqActivations,
            tp,
            interval,
            repetitions,
            java.util.List.of(),
            0,
            method,
            beta,
            gamma,
            powerOfTwo,
            0,
            D.gateInit(),
            1,
            checkpointEvery,
            D.keepCheckpoints(),
            java.util.Map.of(),
            "",
            java.util.Map.of(),
            java.util.Map.of(),
            java.util.Map.of(),
            java.util.Map.of());
    xla.apply();
    Runner.Result r = new Runner(Plugins.load()).profile(profile.every).run(c, out);
    System.out.println(RunResults.line(r, out));
    return 0;
  }
}
