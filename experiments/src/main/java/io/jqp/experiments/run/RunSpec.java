package io.jqp.experiments.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The run spec: what {@code config.yaml} holds, in typed sections, with every strategy as {@code
 * {id, options}} and per-layer rules in the same form. A run folder's {@code config.yaml} is this
 * spec fully resolved (every schedule step filled in), so {@code jqp run --config RUN/config.yaml}
 * re-runs it and {@code run --resume} matches checkpoints by a hash of it. A file may give any part
 * of it; the rest takes the defaults of {@code jqp train}. Errors name the path ({@code
 * pruning.window: must be in [1, 65536] samples, got 0}).
 *
 * <pre>
 * data:         {task: fashion-mnist, path: /usr/share/datasets/fashion-mnist, trainLimit: 0, testLimit: 0}
 * model:        {id: small-cnn, options: {width: 1}}
 * optimization: {optimizer: {id: adam, options: {}}, loss: {id: "", options: {}}, epochs: 4, batchSize: 128,
 *                learningRate: 0.001, lrSchedule: cosine, weightDecay: 0, seed: 1, threads: 2, strategyLrScale: 1}
 * quantization: {bits: 8, quantizer: {id: fixed, options: {}}, window: 0}
 * pruning:      {sparsity: 0.5, pruner: {id: magnitude, options: {}}, activations: true, window: 2048}
 * schedule:     {preset: prune-then-quantize, weightDelay: -1, activationDelay: -1, pruneStart: -1,
 *                pruneInterval: -1, pruneRepetitions: -1}
 * method:       {id: jqp, beta: 0.1, gamma: 1e-5, powerOfTwo: false, gateThreshold: 0, gateInit: -9}
 * rules:        [{layers: "conv2", site: weight, quantizer: {id: fixed, options: {bits: 4}}}]
 * checkpoints:  {every: 0, keep: 2}
 * roles:        {activation-quantizer: {id: saturated, options: {bits: 8, delay: 824}}}   # optional
 * output:       {folder: runs/a}                   # optional, in a file given to jqp run
 * </pre>
 *
 * <p>{@code output} says where {@code jqp run --config FILE} writes when {@code --out} is not given
 * ({@code --out} wins); it is not part of the run's identity, so a run folder's {@code config.yaml}
 * does not hold it ({@link ConfigIo#outputFolder}).
 *
 * <p>{@code roles} binds a strategy to a whole role by id, with its options verbatim (no run-level
 * knob is added), in place of what the presets give it; a Guice arm that swaps a role by id ({@code
 * SwapModule}) records its swap there, so its folder re-runs and resumes like any other.
 *
 * <p>{@link TrainConfig} is the runner's flat view of a spec ({@link #toConfig}, {@link #of}).
 */
public record RunSpec(
    Data data,
    Model model,
    Optimization optimization,
    Quantization quantization,
    Pruning pruning,
    Schedule schedule,
    Method method,
    List<Rule> rules,
    Checkpoints checkpoints,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Strategy> roles) {

  /** The task and its data. */
  public record Data(String task, String path, int trainLimit, int testLimit) {}

  /** The model plugin and its options. */
  public record Model(String id, Map<String, Object> options) {}

  /** A plugin by id with its options. */
  public record Strategy(String id, Map<String, Object> options) {
    public Strategy {
      options = options == null ? Map.of() : Map.copyOf(options);
    }
  }

  /** Optimizer, loss (id "" = the task's own) and the training loop. */
  public record Optimization(
      Strategy optimizer,
      Strategy loss,
      int epochs,
      int batchSize,
      double learningRate,
      String lrSchedule,
      double weightDecay,
      long seed,
      int threads,
      double strategyLrScale) {}

  /** Bits of weights and activations (32 = none), the quantizer, its d* window (0 = pruning's). */
  public record Quantization(int bits, Strategy quantizer, int window) {}

  /** Weight sparsity, the pruner, whether activations are pruned too, and the window T. */
  public record Pruning(double sparsity, Strategy pruner, boolean activations, int window) {}

  /** The order preset and the steps at which stages switch on (-1 = from the preset). */
  public record Schedule(
      String preset,
      long weightDelay,
      long activationDelay,
      long pruneStart,
      long pruneInterval,
      int pruneRepetitions) {}

  /** {@code jqp}, or the presets {@code djpq} and {@code two-stage} with their knobs. */
  public record Method(
      String id,
      double beta,
      double gamma,
      boolean powerOfTwo,
      double gateThreshold,
      double gateInit) {}

  /** A per-layer rule: sites of matching layers use these strategies (the last match wins). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rule(
      String layers, String site, @Nullable Strategy quantizer, @Nullable Strategy pruner) {}

  /** Periodic checkpoints: every N steps (0 = only at the end), keeping the newest {@code keep}. */
  public record Checkpoints(int every, int keep) {}

  /** The spec path of a flat field, or the field itself where it has none. */
  public static String path(String field) {
    return SpecPaths.path(field);
  }

  /**
   * The flat field of a spec path ({@code pruning.window} → {@code window}); other keys as given.
   */
  public static String field(String path) {
    return SpecPaths.field(path);
  }

  private static Map<String, Object> orEmpty(@Nullable Map<String, Object> m) {
    return m == null ? Map.of() : m;
  }

  /** The spec of a resolved config. */
  public static RunSpec of(TrainConfig c) {
    List<Rule> rules = new ArrayList<>();
    for (LayerOverride o : c.overrides()) {
      rules.add(
          new Rule(
              o.layers(),
              o.site(),
              o.quantizer() == null
                  ? null
                  : new Strategy(o.quantizer(), orEmpty(o.quantizerOptions())),
              o.pruner() == null ? null : new Strategy(o.pruner(), orEmpty(o.prunerOptions()))));
    }
    // momentum, a flat knob of the command line, is an option of the optimizers that declare it
    Map<String, Object> optimizerOptions = new LinkedHashMap<>();
    if (io.jqp.experiments.providers.Training.OPTIMIZERS
        .byId("optimizer", c.optimizer())
        .options()
        .containsKey("momentum")) {
      optimizerOptions.put("momentum", c.momentum());
    }
    optimizerOptions.putAll(c.optimizerOptions());
    return new RunSpec(
        new Data(c.task(), c.data(), c.trainLimit(), c.testLimit()),
        new Model(c.model(), c.modelOptions()),
        new Optimization(
            new Strategy(c.optimizer(), optimizerOptions),
            new Strategy(c.loss(), Map.of()),
            c.epochs(),
            c.batchSize(),
            c.learningRate(),
            c.lrSchedule(),
            c.weightDecay(),
            c.seed(),
            c.threads(),
            c.strategyLrScale()),
        new Quantization(
            c.bits(), new Strategy(c.quantizer(), c.quantizerOptions()), c.quantizerWindow()),
        new Pruning(
            c.sparsity(),
            new Strategy(c.pruner(), c.prunerOptions()),
            c.pruneActivations(),
            c.window()),
        new Schedule(
            c.preset(),
            c.weightDelay(),
            c.activationDelay(),
            c.pruneStart(),
            c.pruneInterval(),
            c.pruneRepetitions()),
        new Method(
            c.method(), c.beta(), c.gamma(), c.powerOfTwo(), c.gateThreshold(), c.gateInit()),
        rules,
        new Checkpoints(c.checkpointEvery(), c.keepCheckpoints()),
        c.roles());
  }

  /** The runner's flat view, validated; errors name the spec path. */
  @SuppressWarnings("unchecked")
  public TrainConfig toConfig() {
    Map<String, Object> doc = ConfigIo.YAML.convertValue(this, Map.class);
    return ConfigIo.fromSpec(doc);
  }

  /** A builder over the defaults of {@code jqp train}; each setter names a spec path. */
  public static RunSpecBuilder builder() {
    return new RunSpecBuilder();
  }
}
