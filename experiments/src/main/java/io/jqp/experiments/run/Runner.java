package io.jqp.experiments.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jqp.api.Footprint;
import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.Recipe;
import io.jqp.api.SiteRule;
import io.jqp.engine.tf.LearningRate;
import io.jqp.engine.tf.Optimizer;
import io.jqp.engine.tf.TfModel;
import io.jqp.engine.tf.TfModelDef;
import io.jqp.experiments.data.Dataset;
import io.jqp.experiments.data.FashionMnist;
import io.jqp.experiments.models.SmallCnn;
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
 * Runs one training configuration end to end: checks everything first, then trains with a progress bar,
 * evaluates after every epoch, and writes {@code config.yaml}, {@code metrics.json}, {@code layers.csv} and
 * {@code model.ckpt} into the run folder, each atomically.
 */
public final class Runner {
  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Per-epoch numbers. */
  public record Epoch(int epoch, double trainLoss, double testLoss, double accuracy, double seconds) {}

  /** What a run measured. */
  public record Result(TrainConfig config, double accuracy, double testLoss, long steps, double seconds, double trainSeconds,
      double imagesPerSecond, List<Epoch> epochs, Footprint footprint, List<TfModel.SiteReport> sites, long parameters) {}

  private final Plugins plugins;

  public Runner(Plugins plugins) {
    this.plugins = plugins;
  }

  /** The model definition behind a model id. */
  public static TfModelDef model(String id) {
    return switch (id) {
      case "small-cnn" -> new SmallCnn(10);
      case "mobilenet-v2" -> new io.jqp.experiments.models.MobileNetV2(10);
      default -> throw new JqpException("model: unknown model '" + id + "'; known: " + String.join(", ", TrainConfig.MODELS));
    };
  }

  /** Training steps per epoch of a config (Fashion-MNIST has 60,000 training images). */
  public static long stepsPerEpoch(TrainConfig c) {
    return (c.trainLimit() > 0 ? Math.min(c.trainLimit(), 60_000) : 60_000) / c.batchSize();
  }

  /** The recipe of a config, with its timing resolved for Fashion-MNIST's size. */
  public Recipe recipe(TrainConfig c) {
    return recipe(c, c.timing(stepsPerEpoch(c)));
  }

  /**
   * The recipe of a config: its quantizer on every weight (t_q of weights) and activation (t_q of activations,
   * d* over a window of T samples when delayed) when bits &lt; 32; its pruner on weights and, with
   * {@code pruneActivations}, the windowed pruner on activations, both on the same schedule (Zhu–Gupta with n
   * repetitions from t_p, or the target at once at t_p). First and last layers are never pruned.
   */
  public Recipe recipe(TrainConfig c, TrainConfig.Timing t) {
    Quantizer wq = Quantizer.identity();
    Quantizer aq = Quantizer.identity();
    if (c.bits() < 32) {
      wq = plugins.quantizer(c.quantizer(), Map.of("bits", c.bits(), "delay", t.weightDelay()));
      aq = plugins.quantizer(c.quantizer(), Map.of("bits", c.bits(), "delay", t.activationDelay(),
          "window", t.activationDelay() > 0 ? c.window() : 0));
    }
    Map<String, Object> prune = new LinkedHashMap<>();
    prune.put("sparsity", c.sparsity());
    prune.put("start", t.pruneStart());
    prune.put("interval", t.pruneInterval());
    prune.put("repetitions", t.pruneRepetitions());
    Pruner wp = c.sparsity() > 0 ? plugins.pruner(c.pruner(), prune) : Pruner.none();
    Pruner ap = Pruner.none();
    if (c.pruneActivations()) {
      Map<String, Object> windowed = new LinkedHashMap<>(prune);
      windowed.put("window", c.window());
      ap = plugins.pruner("windowed", windowed);
    }
    Recipe recipe = Recipe.fullPrecision().withWeightQuantizer(wq).withActivationQuantizer(aq).withWeightPruner(wp).withActivationPruner(ap);
    for (LayerOverride o : c.overrides()) {
      SiteRule rule = SiteRule.layers(o.layers());
      rule = switch (o.site()) {
        case "weight" -> rule.weights();
        case "activation" -> rule.activations();
        default -> rule;
      };
      if (o.quantizer() != null) {
        rule = rule.quantizer(plugins.quantizer(o.quantizer(), o.quantizerOptions()));
      }
      if (o.pruner() != null) {
        rule = rule.pruner(plugins.pruner(o.pruner(), o.prunerOptions()));
      }
      recipe = recipe.withRule(rule);
    }
    return recipe;
  }

  /** Checks that need the timing: a delayed activation quantizer must have seen T samples by its t_q. */
  static void checkTiming(TrainConfig c, TrainConfig.Timing t) {
    long needed = (c.window() + c.batchSize() - 1) / c.batchSize();
    if (c.bits() < 32 && t.activationDelay() > 0 && t.activationDelay() < needed) {
      throw new JqpException("window: " + c.window() + " samples need activation t_q >= " + needed + " steps at batch " + c.batchSize()
          + ", but t_q is " + t.activationDelay() + "; lower window or raise activationDelay");
    }
  }

  public static Optimizer optimizer(TrainConfig c, long totalSteps) {
    LearningRate lr = switch (c.lrSchedule()) {
      case "step" -> LearningRate.step(c.learningRate(), Math.max(1, totalSteps / 4), 0.5);
      case "cosine" -> LearningRate.cosine(c.learningRate(), totalSteps);
      default -> LearningRate.constant(c.learningRate());
    };
    return c.optimizer().equals("adam") ? Optimizer.adam(lr).withWeightDecay(c.weightDecay()) : Optimizer.sgd(lr, c.momentum(), c.weightDecay());
  }

  /** Refuses a folder that already holds a run, so nothing a user has is overwritten. */
  public static void checkOutput(Path out) {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new JqpException("--out " + out + " is a file; give a folder");
    }
    for (String f : new String[] {"metrics.json", "config.yaml", "model.ckpt"}) {
      if (Files.exists(out.resolve(f))) {
        throw new JqpException("--out " + out + " already holds a run (" + f + "); choose another folder or delete it");
      }
    }
  }

  /** Validates, trains, evaluates and writes the run folder. */
  public Result run(TrainConfig c, Path out) throws IOException {
    TrainConfig.Timing timing = c.timing(stepsPerEpoch(c));
    checkTiming(c, timing);
    return run(c, recipe(c, timing), out);
  }

  /** Runs a config with a recipe wired elsewhere (e.g. by Guice); the config still gives data, model and optimizer. */
  public Result run(TrainConfig c, Recipe recipe, Path out) throws IOException {
    checkOutput(out);
    FashionMnist.checkPresent(Path.of(c.data()));
    TrainConfig.Timing timing = c.timing(stepsPerEpoch(c));
    checkTiming(c, timing);
    c = c.copy(Map.of("weightDelay", timing.weightDelay(), "activationDelay", timing.activationDelay(), "pruneStart", timing.pruneStart(),
        "pruneInterval", timing.pruneInterval(), "pruneRepetitions", timing.pruneRepetitions()));
    TfModelDef def = model(c.model());
    Dataset train = FashionMnist.train(Path.of(c.data()));
    Dataset test = FashionMnist.test(Path.of(c.data()));
    if (c.trainLimit() > 0) {
      train = train.head(c.trainLimit());
    }
    if (c.testLimit() > 0) {
      test = test.head(c.testLimit());
    }
    if (c.model().equals("mobilenet-v2")) {
      float black = (0 - FashionMnist.MEAN) / FashionMnist.STD;
      train = train.padTo(32, black);
      test = test.padTo(32, black);
    }
    Files.createDirectories(out);
    AtomicFiles.write(out.resolve("config.yaml"), YAML.writeValueAsString(c));
    int perEpoch = train.batchesPerEpoch(c.batchSize());
    long totalSteps = (long) perEpoch * c.epochs();
    String fingerprint = c.model() + "|" + recipe;
    long t0 = System.nanoTime();
    double trainSeconds = 0;
    List<Epoch> epochs = new ArrayList<>();
    LOG.info("training {} for {} epochs ({} steps), preset {}: weights {} / {}, activations {} / {}", c.model(), c.epochs(), totalSteps,
        c.preset(), recipe.weightQuantizer(), recipe.weightPruner(), recipe.activationQuantizer(), recipe.activationPruner());
    try (TfModel model = TfModel.build(def, train.sampleShape(), TfModel.Loss.SOFTMAX_CROSS_ENTROPY, 10, recipe,
        optimizer(c, totalSteps), c.seed(), c.threads(), c.batchSize(), fingerprint)) {
      double[] eval = null;
      for (int e = 0; e < c.epochs(); e++) {
        int[] order = train.order(c.seed(), e);
        double lossSum = 0;
        long start = System.nanoTime();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", e + 1, c.epochs()))
            .setInitialMax(perEpoch).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).continuousUpdate()
            .setUnit(" steps", 1).build()) {
          for (int b = 0; b < perEpoch; b++) {
            float loss = model.trainStep(train.batch(order, b, c.batchSize()));
            List<String> switching = model.sitesUpdatedLastStep();
            if (!switching.isEmpty()) {
              LOG.info("step {}: strategies update at {}", model.step() - 1, String.join(", ", switching));
            }
            if (!Float.isFinite(loss)) {
              throw new JqpException("training diverged: loss is " + loss + " at step " + model.step() + "; lower learningRate");
            }
            lossSum += loss;
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", lossSum / (b + 1)));
          }
        }
        double epochSeconds = (System.nanoTime() - start) / 1e9;
        trainSeconds += epochSeconds;
        eval = evaluate(model, test);
        Epoch ep = new Epoch(e + 1, lossSum / perEpoch, eval[0], eval[1], epochSeconds);
        epochs.add(ep);
        LOG.info(String.format(Locale.ROOT, "epoch %d/%d: %.1f s, train loss %.4f, test loss %.4f, test accuracy %.2f %%",
            ep.epoch(), c.epochs(), ep.seconds(), ep.trainLoss(), ep.testLoss(), 100 * ep.accuracy()));
      }
      List<TfModel.SiteReport> sites = model.siteReports();
      Footprint footprint = footprint(sites);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Result result = new Result(c, eval[1], eval[0], model.step(), seconds, trainSeconds, totalSteps * c.batchSize() / trainSeconds,
          epochs, footprint, sites, model.parameterCount());
      model.save(out.resolve("model.ckpt"));
      writeResults(out, result);
      return result;
    }
  }

  static double[] evaluate(TfModel model, Dataset test) {
    double loss = 0;
    double correct = 0;
    for (int i = 0; i < test.size(); i += 1000) {
      double[] r = model.evaluate(test.slice(i, 1000));
      loss += r[0];
      correct += r[1];
    }
    return new double[] {loss / test.size(), correct / test.size()};
  }

  /** Footprint from the sites' reported bits and measured sparsity (32 bits where no quantizer reports). */
  public static Footprint footprint(List<TfModel.SiteReport> sites) {
    List<Footprint.Entry> entries = new ArrayList<>();
    for (TfModel.SiteReport s : sites) {
      double bits = s.values().getOrDefault("bits", 32.0);
      double sparsity = s.values().getOrDefault("sparsity", 0.0);
      entries.add(new Footprint.Entry(s.site().name(), s.site().kind(), s.site().numel(), bits, sparsity));
    }
    return new Footprint(entries);
  }

  static void writeResults(Path out, Result r) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accuracy", r.accuracy());
    m.put("test_loss", r.testLoss());
    m.put("steps", r.steps());
    m.put("seconds", r.seconds());
    m.put("train_seconds", r.trainSeconds());
    m.put("images_per_second", r.imagesPerSecond());
    m.put("parameters", r.parameters());
    m.put("weight_mb", r.footprint().weightMegabits());
    m.put("activation_mb", r.footprint().activationMegabits());
    m.put("pd", r.footprint().performanceDensity(100 * r.accuracy()));
    m.put("epochs", r.epochs());
    AtomicFiles.write(out.resolve("metrics.json"), JSON.writeValueAsString(m));
    StringBuilder csv = new StringBuilder("name,layer,kind,layer_kind,bits,d,sparsity,numel,quantizer,pruner\n");
    for (TfModel.SiteReport s : r.sites()) {
      csv.append(String.join(",", s.site().name(), s.site().layer(), s.site().kind().label(), s.site().layerKind().label(),
          fmt(s.values().getOrDefault("bits", 32.0)), s.values().containsKey("d") ? fmt(s.values().get("d")) : "",
          fmt(s.values().getOrDefault("sparsity", 0.0)), Long.toString(s.site().numel()), quote(s.quantizer()), quote(s.pruner()))).append('\n');
    }
    AtomicFiles.write(out.resolve("layers.csv"), csv.toString());
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
