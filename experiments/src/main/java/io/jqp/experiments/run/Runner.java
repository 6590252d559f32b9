package io.jqp.experiments.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jqp.api.Footprint;
import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import io.jqp.api.Recipe;
import io.jqp.engine.tf.TfModel;
import io.jqp.engine.tf.TfModelDef;
import io.jqp.experiments.tasks.Task;
import io.jqp.experiments.tasks.Tasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one training configuration end to end: checks everything first, then trains with a progress
 * bar, evaluates after every epoch, and writes {@code config.yaml}, {@code metrics.json}, {@code
 * layers.csv} and {@code model.ckpt} into the run folder, each atomically.
 */
public final class Runner {
  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Per-epoch numbers; {@code metric} in the task's units (accuracy %, PSNR dB). */
  public record Epoch(
      int epoch,
      double trainLoss,
      double testLoss,
      double metric,
      Map<String, Double> extras,
      double seconds) {}

  /**
   * What a run measured: the task metric in its units (accuracy %, PSNR dB), further numbers the
   * task reports, the footprint and performance density.
   */
  public record Result(
      TrainConfig config,
      String metricName,
      double metric,
      Map<String, Double> extras,
      double testLoss,
      long steps,
      double seconds,
      double trainSeconds,
      double imagesPerSecond,
      List<Epoch> epochs,
      Footprint footprint,
      double pd,
      String pdUnit,
      List<TfModel.SiteReport> sites,
      List<RunResults.LayerBops> bops,
      long parameters) {}

  private final Plugins plugins;
  private int profileEvery;
  private java.util.function.Consumer<TfModel> afterEachStep = m -> {};

  public Runner(Plugins plugins) {
    this.plugins = plugins;
  }

  /**
   * Traces every {@code every}-th training step (TensorFlow run metadata) and writes where a step's
   * time goes per op to {@code profile.md} in the run folder; 0 traces nothing.
   */
  public Runner profile(int every) {
    if (every < 0) {
      throw new JqpException("--profile: every must be >= 1 step, got " + every);
    }
    this.profileEvery = every;
    return this;
  }

  /**
   * Calls {@code hook} with the model on the training thread after every training step (after its
   * updates and checks); {@code jqp bench --slice} passes the machine to the next run there. A hook
   * that throws ends the run with its exception.
   */
  public Runner afterEachStep(java.util.function.Consumer<TfModel> hook) {
    this.afterEachStep = java.util.Objects.requireNonNull(hook, "hook");
    return this;
  }

  /** Training steps per epoch of a config (the task's training samples over the batch size). */
  public static long stepsPerEpoch(TrainConfig c) {
    try {
      return Tasks.byId(c.task()).trainSize(c) / c.batchSize();
    } catch (IOException e) {
      throw new JqpException("data: cannot read " + c.data() + ": " + e.getMessage());
    }
  }

  /** The recipe of a config, with its timing resolved for the task's training size. */
  public Recipe recipe(TrainConfig c) {
    return recipe(c, c.timing(stepsPerEpoch(c)));
  }

  /** The recipe of a config with its timing given (see {@link RunRecipes#recipe}). */
  public Recipe recipe(TrainConfig c, TrainConfig.Timing t) {
    return new RunRecipes(plugins).recipe(c, t);
  }

  /**
   * Refuses a folder that already holds a run, or that jqp may not write into ({@link
   * OutputFolder}), so nothing a user has is overwritten.
   */
  public static void checkOutput(Path out) {
    OutputFolder.check(out, OutputFolder.Kind.RUN, "--out");
    for (String f : new String[] {"metrics.json", "config.yaml", "model.ckpt"}) {
      if (Files.exists(out.resolve(f))) {
        throw new JqpException(
            "--out "
                + out
                + " already holds a run ("
                + f
                + "); choose another folder or delete it");
      }
    }
  }

  /**
   * Checks what a config names before any data is read: every strategy with its options (stages off
   * included), every rule's glob against the model's layers, the roles.
   */
  public void validate(TrainConfig c) {
    io.jqp.experiments.tasks.Task task = Tasks.byId(c.task());
    TfModelDef def =
        io.jqp.experiments.models.Models.create(c.model(), task.modelInput(), c.modelOptions());
    long[] shape = task.modelInput().sampleShape().stream().mapToLong(Long::longValue).toArray();
    new RunRecipes(plugins).validate(c, TfModel.layerNames(def, shape, c.seed()));
  }

  /** Validates, trains, evaluates and writes the run folder. */
  public Result run(TrainConfig c, Path out) throws IOException {
    validate(c);
    TrainConfig.Timing timing = c.timing(stepsPerEpoch(c));
    RunRecipes.checkTiming(c, timing);
    Recipe recipe = recipe(c, timing);
    checkOutput(out);
    return train(c, recipe, out, false, false);
  }

  /**
   * Runs a config with a recipe wired elsewhere (e.g. by Guice); the config still gives data, model
   * and optimizer.
   */
  public Result run(TrainConfig c, Recipe recipe, Path out) throws IOException {
    validate(c);
    checkOutput(out);
    return train(c, recipe, out, false, true);
  }

  /**
   * Continues a run whose process died, from the newest readable checkpoint in {@code
   * out/checkpoints} (an unreadable or mismatched one is reported and the one before it is used;
   * none is deleted), with the resolved config in {@code out/config.yaml}. The data order is a
   * function of seed and epoch and the checkpoint holds every variable (weights, optimizer slots,
   * strategy state) and the step, so without random ops in the network (dropout, DJPQ's gate noise)
   * the result is the uninterrupted run's.
   */
  public Result resume(Path out) throws IOException {
    if (Files.isRegularFile(out.resolve("metrics.json"))) {
      throw new JqpException(
          "--out " + out + " holds a finished run (metrics.json); nothing to resume");
    }
    if (!Files.isRegularFile(out.resolve("config.yaml"))) {
      throw new JqpException("--out " + out + " holds no run to resume (no config.yaml)");
    }
    TrainConfig c = ConfigIo.readRun(out.resolve("config.yaml"));
    if (Checkpoints.list(out).isEmpty()) {
      throw new JqpException(
          "--out "
              + out
              + " holds no checkpoint to resume from; the run saved none (checkpointEvery is "
              + c.checkpointEvery()
              + "); start it anew in another folder");
    }
    return train(c, recipe(c, c.timing(stepsPerEpoch(c))), out, true);
  }

  /**
   * What identifies a run for its checkpoints: a hash of the resolved spec (config.yaml as
   * written), never a strategy's {@code toString()}, which for a lambda differs in every JVM. A
   * recipe wired outside the config (Guice) adds its strategies' names.
   */
  static String fingerprint(TrainConfig c, @org.jspecify.annotations.Nullable Recipe external)
      throws IOException {
    String spec =
        YAML.writeValueAsString(RunSpec.of(c)) + (external == null ? "" : "\nrecipe: " + external);
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(spec.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "spec-sha256:" + java.util.HexFormat.of().formatHex(h);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Result train(TrainConfig c, Recipe recipe, Path out, boolean resuming)
      throws IOException {
    return train(c, recipe, out, resuming, false);
  }

  private Result train(TrainConfig c, Recipe recipe, Path out, boolean resuming, boolean external)
      throws IOException {
    Task task = Tasks.byId(c.task());
    task.checkData(c);
    TrainConfig.Timing timing = c.timing(stepsPerEpoch(c));
    RunRecipes.checkTiming(c, timing);
    c =
        c.copy(
            Map.<String, Object>of(
                "weightDelay",
                timing.weightDelay(),
                "activationDelay",
                timing.activationDelay(),
                "pruneStart",
                timing.pruneStart(),
                "pruneInterval",
                timing.pruneInterval(),
                "pruneRepetitions",
                timing.pruneRepetitions()));
    TfModelDef def =
        io.jqp.experiments.models.Models.create(c.model(), task.modelInput(), c.modelOptions());
    try (Task.Data data = task.load(c)) {
      if (data.size() < c.batchSize()) {
        throw new JqpException(
            "batchSize: "
                + c.batchSize()
                + " is more than the "
                + data.size()
                + " training samples; lower batchSize or raise trainLimit");
      }
      if (!resuming) {
        OutputFolder.claim(out, OutputFolder.Kind.RUN);
        AtomicFiles.write(out.resolve("config.yaml"), YAML.writeValueAsString(RunSpec.of(c)));
      }
      int perEpoch = data.size() / c.batchSize();
      long totalSteps = (long) perEpoch * c.epochs();
      String fingerprint = fingerprint(c, external ? recipe : null);
      if (resuming) {
        Checkpoints.checkSpec(out, fingerprint);
      }
      long t0 = System.nanoTime();
      double trainSeconds = 0;
      List<Epoch> epochs = new ArrayList<>();
      LOG.info(
          "training {} on {} for {} epochs ({} steps), preset {}: weights {} / {}, activations {} / {}",
          c.model(),
          c.task(),
          c.epochs(),
          totalSteps,
          c.preset(),
          recipe.weightQuantizer(),
          recipe.weightPruner(),
          recipe.activationQuantizer(),
          recipe.activationPruner());
      try (TfModel model =
          TfModel.build(
              def,
              data.sampleShape(),
              io.jqp.experiments.providers.Training.loss(
                  c.lossId(),
                  c.task(),
                  task.modelInput().kind().equals(io.jqp.engine.tf.ModelInput.CLASSIFICATION)),
              task.classes(),
              recipe,
              RunRecipes.optimizer(c, totalSteps),
              c.seed(),
              c.threads(),
              c.batchSize(),
              fingerprint)) {
        Task.Evaluation eval = null;
        int firstEpoch = 0;
        int firstBatch = 0;
        double resumedLoss = 0;
        if (resuming) {
          Checkpoints.Progress p = Checkpoints.restoreNewest(model, out);
          epochs.addAll(p.epochs());
          resumedLoss = p.lossSum();
          firstEpoch = (int) (model.step() / perEpoch);
          firstBatch = (int) (model.step() % perEpoch);
          LOG.info(
              "resuming at step {} (epoch {}, batch {}) from {}",
              model.step(),
              firstEpoch + 1,
              firstBatch,
              p.file());
        }
        long[] evaluatedAfter = new long[c.epochs() - firstEpoch];
        for (int e = firstEpoch; e < c.epochs(); e++) {
          evaluatedAfter[e - firstEpoch] = (long) (e + 1) * perEpoch;
        }
        model.plan(totalSteps, evaluatedAfter);
        History history = History.open(out, totalSteps, resuming ? model.step() : -1);
        io.jqp.engine.tf.TfProfile profile =
            profileEvery > 0 ? new io.jqp.engine.tf.TfProfile(profileEvery) : null;
        model.profile(profile);
        for (int e = firstEpoch; e < c.epochs(); e++) {
          int[] order = Task.order(data.size(), c.seed(), e);
          double lossSum = e == firstEpoch ? resumedLoss : 0;
          int from = e == firstEpoch ? firstBatch : 0;
          long start = System.nanoTime();
          int batchSize = c.batchSize();
          try (BatchPrefetch input =
                  new BatchPrefetch(model, i -> data.batch(order, i, batchSize), from, perEpoch);
              ProgressBar bar =
                  new ProgressBarBuilder()
                      .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", e + 1, c.epochs()))
                      .setInitialMax(perEpoch)
                      .setStyle(ProgressBarStyle.ASCII)
                      .setUpdateIntervalMillis(1000)
                      .continuousUpdate()
                      .setUnit(" steps", 1)
                      .build()) {
            bar.stepTo(from);
            for (int b = from; b < perEpoch; b++) {
              float loss;
              try (TfModel.Prepared batch = input.next()) {
                loss = model.trainStep(batch);
              }
              List<String> switching = model.sitesUpdatedLastStep();
              if (!switching.isEmpty()) {
                LOG.info(
                    "step {}: strategies update at {} ({})",
                    model.step() - 1,
                    String.join(", ", switching),
                    String.format(Locale.ROOT, "%.2f s", model.secondsUpdatingLastStep()));
              }
              if (!Float.isFinite(loss) || model.nonFiniteGradient() != null) {
                throw new JqpException(Divergence.message(model, loss, out));
              }
              if (!switching.isEmpty()) {
                String bad = Divergence.nonFiniteState(model, switching);
                if (bad != null) {
                  throw new JqpException(
                      "training diverged at step "
                          + (model.step() - 1)
                          + ": strategy state at site "
                          + bad
                          + " is not finite after its update; "
                          + Divergence.kept(out)
                          + "; check the strategy's options or lower learningRate");
                }
              }
              lossSum += loss;
              if (history.due(model.step())) {
                // the training build's reports: a phase that ends before the next evaluation is
                // then never built for evaluation just to sample its bits and densities
                history.record(
                    model.step(), RunResults.bops(model.layerMacs(), model.trainingSiteReports()));
              }
              if (c.checkpointEvery() > 0
                  && model.step() % c.checkpointEvery() == 0
                  && b < perEpoch - 1) {
                Checkpoints.save(model, out, epochs, lossSum, c.keepCheckpoints());
              }
              bar.step();
              bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", lossSum / (b + 1)));
              afterEachStep.accept(model);
            }
          }
          double epochSeconds = (System.nanoTime() - start) / 1e9;
          trainSeconds += epochSeconds;
          long evalStart = System.nanoTime();
          eval = data.evaluate(model);
          double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
          Epoch ep =
              new Epoch(
                  e + 1,
                  lossSum / perEpoch,
                  eval.loss(),
                  eval.metric(),
                  eval.extras(),
                  epochSeconds);
          epochs.add(ep);
          LOG.info(
              String.format(
                  Locale.ROOT,
                  "epoch %d/%d: %.1f s (evaluation %.2f s), train loss %.5f, test loss %.5f, %s %.2f%s",
                  ep.epoch(),
                  c.epochs(),
                  ep.seconds(),
                  evalSeconds,
                  ep.trainLoss(),
                  ep.testLoss(),
                  task.metricName(),
                  ep.metric(),
                  RunResults.extras(eval.extras())));
          if (c.checkpointEvery() > 0
              && model.step() % c.checkpointEvery() == 0
              && e < c.epochs() - 1) {
            // at an epoch's end the checkpoint follows its evaluation, so a resumed run has every
            // epoch's numbers
            Checkpoints.save(model, out, epochs, 0, c.keepCheckpoints());
          }
        }
        List<TfModel.SiteReport> sites = model.siteReports();
        Footprint footprint = data.footprint(sites);
        List<RunResults.LayerBops> bops = RunResults.bops(model.layerMacs(), sites);
        history.record(model.step(), bops);
        history.plot(out);
        double total = bops.stream().mapToDouble(RunResults.LayerBops::bops).sum();
        double fp32 = bops.stream().mapToDouble(b -> b.macs() * 32.0 * 32.0).sum();
        Task.Evaluation last =
            java.util.Objects.requireNonNull(eval, "epochs >= 1, so one evaluation ran");
        Map<String, Double> extras = new LinkedHashMap<>(last.extras());
        extras.put("gbops", total / 1e9);
        extras.put("bop_reduction", fp32 / total);
        eval = new Task.Evaluation(last.loss(), last.metric(), extras);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Result result =
            new Result(
                c,
                task.metricName(),
                eval.metric(),
                eval.extras(),
                eval.loss(),
                model.step(),
                seconds,
                trainSeconds,
                totalSteps * c.batchSize() / trainSeconds,
                epochs,
                footprint,
                data.performanceDensity(footprint, eval.metric()),
                task.pdUnit(),
                sites,
                bops,
                model.parameterCount());
        if (profile != null) {
          RunResults.writeProfile(out, profile);
        }
        model.save(out.resolve("model.ckpt"));
        RunResults.writeResults(out, result);
        return result;
      }
    }
  }
}
