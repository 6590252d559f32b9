package io.jqp.experiments.run;

import io.jqp.api.JqpException;
import java.util.Set;

/**
 * A training run, fully resolved: what {@code config.yaml} records. Every field is checked here, so
 * a bad value fails with one line naming the field before any data is read or any file is written.
 *
 * @param task task id ({@code fashion-mnist}, {@code sr-x3}, or a plugin's; see {@link
 *     io.jqp.experiments.tasks.Task})
 * @param model model plugin id ({@code small-cnn}, {@code mobilenet-v2}, {@code espcn}, or a plugin
 *     jar's) that accepts the task's input
 * @param epochs passes over the training set, &gt;= 1
 * @param batchSize training batch size, in [1, 4096]
 * @param optimizer optimizer plugin id ({@code adam}, {@code sgd}, or a plugin jar's)
 * @param learningRate initial learning rate, &gt; 0
 * @param lrSchedule {@code constant}, {@code step} (×0.5 after every quarter of training) or {@code
 *     cosine}
 * @param momentum SGD momentum in [0, 1)
 * @param weightDecay L2 on kernels, &gt;= 0
 * @param seed seeds weight init, data order and dropout
 * @param threads TensorFlow intra-op threads, &gt;= 1
 * @param bits bits of weights and activations; 32 = full precision (no quantizer)
 * @param sparsity weight sparsity in [0, 1); 0 = no pruning
 * @param quantizer quantizer plugin id used when bits &lt; 32
 * @param pruner pruner plugin id used when sparsity &gt; 0
 * @param data the task's data folder (Fashion-MNIST's IDX files; the SR photos)
 * @param trainLimit use only the first N training images (0 = all)
 * @param testLimit use only the first N test images (0 = all)
 * @param preset {@code none} (quantize from step 0, masks decided at step 0), {@code
 *     prune-then-quantize} or {@code quantize-then-prune} (the paper's classification schedules
 *     scaled to our epochs)
 * @param pruneActivations also prune activations (windowed pruner, same schedule as weights)
 * @param window T, activation samples in the pruning window (and in the d* search window unless
 *     quantizerWindow is set)
 * @param weightDelay t_q of weights in steps; -1 = from the preset
 * @param activationDelay t_q of activations in steps; -1 = from the preset
 * @param pruneStart t_p in steps; -1 = from the preset
 * @param pruneInterval Δ in steps; -1 = from the preset
 * @param pruneRepetitions n; -1 = from the preset (0 = reach the target at once at t_p)
 * @param overrides per-layer strategy rules, applied in order (the last match wins)
 * @param quantizerWindow samples in the d* search window of delayed activation quantization; 0 =
 *     window
 * @param method {@code jqp} (the recipe above), {@code djpq} (learned bits and VIB channel gates
 *     with a BOPs cost, SPEC §10; bits is the initial bit-width) or {@code two-stage} (the same,
 *     gates for the first half of training, then gates frozen and bits learned)
 * @param beta DJPQ: weight of the BOPs cost (Σ BOPs / BOPs_fp32), &gt;= 0
 * @param gamma DJPQ: weight of the gates' KL term, &gt;= 0
 * @param powerOfTwo DJPQ: restrict bit-widths to {2, 4, 8, 16}
 * @param gateThreshold DJPQ: θ, a channel is kept while log σ² − log μ² &lt; θ
 * @param gateInit DJPQ: initial log σ² of the gates (the paper: about −9; μ starts at 1)
 * @param strategyLrScale learning rate of strategies' own parameters (DJPQ's step, range, gates)
 *     relative to the weights'
 * @param checkpointEvery save a checkpoint every N training steps (0 = only at the end); {@code run
 *     --resume} continues from the newest
 * @param keepCheckpoints how many periodic checkpoints to keep (the newest), &gt;= 1
 * @param loss loss plugin id ({@code softmax-cross-entropy}, {@code mse}, {@code l1}, or a plugin
 *     jar's); "" = the task's own
 * @param modelOptions options of the model plugin (e.g. {@code width} of {@code small-cnn}); only
 *     those it declares
 * @param quantizerOptions the quantizer plugin's own options
 * @param prunerOptions the pruner plugin's own options
 * @param optimizerOptions the optimizer plugin's own options
 * @param roles strategies bound to whole roles ({@link #ROLES}) by id with verbatim options,
 *     replacing what the presets give that role (what a Guice {@code SwapModule} arm records)
 */
public record TrainConfig(
    String task,
    String model,
    int epochs,
    int batchSize,
    String optimizer,
    double learningRate,
    String lrSchedule,
    double momentum,
    double weightDecay,
    long seed,
    int threads,
    int bits,
    double sparsity,
    String quantizer,
    String pruner,
    String data,
    int trainLimit,
    int testLimit,
    String preset,
    boolean pruneActivations,
    int window,
    long weightDelay,
    long activationDelay,
    long pruneStart,
    long pruneInterval,
    int pruneRepetitions,
    java.util.List<LayerOverride> overrides,
    int quantizerWindow,
    String method,
    double beta,
    double gamma,
    boolean powerOfTwo,
    double gateThreshold,
    double gateInit,
    double strategyLrScale,
    int checkpointEvery,
    int keepCheckpoints,
    java.util.Map<String, Object> modelOptions,
    String loss,
    java.util.Map<String, Object> quantizerOptions,
    java.util.Map<String, Object> prunerOptions,
    java.util.Map<String, Object> optimizerOptions,
    java.util.Map<String, RunSpec.Strategy> roles) {

  public static final java.util.List<String> METHODS =
      java.util.List.of("jqp", "djpq", "two-stage");

  /** The four roles a strategy can be bound to as a whole (the Guice names too). */
  public static final java.util.List<String> ROLES =
      java.util.List.of(
          "weight-quantizer", "weight-pruner", "activation-quantizer", "activation-pruner");

  /** The id a role bound in code (an instance, not an id) is recorded under; it cannot re-run. */
  public static final String BOUND_IN_CODE = "bound-in-code";

  /** The most epochs a run may ask for (the paper trains 250). */
  public static final int MAX_EPOCHS = 10_000;

  public static final java.util.List<String> PRESETS =
      java.util.List.of("none", "prune-then-quantize", "quantize-then-prune");

  public TrainConfig {
    // run folders written before tasks existed hold classification runs
    task = task == null ? "fashion-mnist" : task;
    io.jqp.experiments.tasks.Task t = io.jqp.experiments.tasks.Tasks.byId(task);
    modelOptions =
        modelOptions == null
            ? java.util.Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(modelOptions));
    io.jqp.experiments.models.Models.check(model, task, t.modelInput(), modelOptions);
    check(
        epochs >= 1 && epochs <= MAX_EPOCHS,
        "epochs",
        "must be in [1, " + MAX_EPOCHS + "], got " + epochs);
    check(
        batchSize >= 1 && batchSize <= 4096, "batchSize", "must be in [1, 4096], got " + batchSize);
    optimizerOptions =
        optimizerOptions == null
            ? java.util.Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(optimizerOptions));
    io.jqp.experiments.providers.Training.OPTIMIZERS.byId("optimizer", optimizer);
    loss = loss == null ? "" : loss;
    quantizerOptions =
        quantizerOptions == null
            ? java.util.Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(quantizerOptions));
    prunerOptions =
        prunerOptions == null
            ? java.util.Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(prunerOptions));
    if (!loss.isEmpty()) {
      io.jqp.experiments.providers.Training.loss(
          loss, task, t.modelInput().kind().equals(io.jqp.engine.tf.ModelInput.CLASSIFICATION));
    }
    check(
        learningRate > 0 && learningRate < 10,
        "learningRate",
        "must be in (0, 10), got " + learningRate);
    check(
        Set.of("constant", "step", "cosine").contains(lrSchedule),
        "lrSchedule",
        "must be constant, step or cosine, got '" + lrSchedule + "'");
    check(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
    check(
        weightDecay >= 0 && weightDecay < 1,
        "weightDecay",
        "must be in [0, 1), got " + weightDecay);
    check(threads >= 1 && threads <= 256, "threads", "must be in [1, 256], got " + threads);
    check(bits >= 2 && bits <= 32, "bits", "must be in [2, 32] (32 = full precision), got " + bits);
    check(sparsity >= 0 && sparsity < 1, "sparsity", "must be in [0, 1), got " + sparsity);
    check(trainLimit >= 0, "trainLimit", "must be >= 0 (0 = all), got " + trainLimit);
    check(testLimit >= 0, "testLimit", "must be >= 0 (0 = all), got " + testLimit);
    check(
        trainLimit == 0 || trainLimit >= batchSize,
        "trainLimit",
        "must be at least batchSize (" + batchSize + "), got " + trainLimit);
    check(
        PRESETS.contains(preset),
        "preset",
        "must be one of " + String.join(", ", PRESETS) + ", got '" + preset + "'");
    check(
        !pruneActivations || sparsity > 0,
        "pruneActivations",
        "needs sparsity > 0 (set --sparsity)");
    check(
        window >= 1 && window <= 1 << 16, "window", "must be in [1, 65536] samples, got " + window);
    check(
        weightDelay >= -1,
        "weightDelay",
        "must be >= 0 steps (or -1 = from the preset), got " + weightDelay);
    check(
        activationDelay >= -1,
        "activationDelay",
        "must be >= 0 steps (or -1 = from the preset), got " + activationDelay);
    check(
        pruneStart >= -1,
        "pruneStart",
        "must be >= 0 steps (or -1 = from the preset), got " + pruneStart);
    check(
        pruneInterval == -1 || pruneInterval >= 1,
        "pruneInterval",
        "must be >= 1 step (or -1 = from the preset), got " + pruneInterval);
    check(
        pruneRepetitions >= -1,
        "pruneRepetitions",
        "must be >= 0 (or -1 = from the preset), got " + pruneRepetitions);
    check(
        quantizerWindow >= 0 && quantizerWindow <= 1 << 16,
        "quantizerWindow",
        "must be in [1, 65536] samples (or 0 = window), got " + quantizerWindow);
    method = method == null ? "jqp" : method;
    check(
        METHODS.contains(method),
        "method",
        "must be one of " + String.join(", ", METHODS) + ", got '" + method + "'");
    check(beta >= 0 && beta <= 100, "beta", "must be in [0, 100], got " + beta);
    check(gamma >= 0 && gamma <= 100, "gamma", "must be in [0, 100], got " + gamma);
    check(
        gateThreshold >= -20 && gateThreshold <= 20,
        "gateThreshold",
        "must be in [-20, 20], got " + gateThreshold);
    check(gateInit >= -30 && gateInit <= 10, "gateInit", "must be in [-30, 10], got " + gateInit);
    strategyLrScale = strategyLrScale == 0 ? 1 : strategyLrScale;
    check(
        strategyLrScale > 0 && strategyLrScale <= 1000,
        "strategyLrScale",
        "must be in (0, 1000], got " + strategyLrScale);
    check(
        checkpointEvery >= 0,
        "checkpointEvery",
        "must be >= 0 steps (0 = only at the end), got " + checkpointEvery);
    keepCheckpoints = keepCheckpoints == 0 ? 2 : keepCheckpoints;
    check(
        keepCheckpoints >= 1 && keepCheckpoints <= 1000,
        "keepCheckpoints",
        "must be in [1, 1000], got " + keepCheckpoints);
    check(
        method.equals("jqp") || sparsity == 0 && !pruneActivations,
        "method",
        method + " prunes channels with its gates; set sparsity 0 and pruneActivations false");
    overrides = overrides == null ? java.util.List.of() : java.util.List.copyOf(overrides);
    roles =
        roles == null
            ? java.util.Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(roles));
    for (java.util.Map.Entry<String, RunSpec.Strategy> r : roles.entrySet()) {
      check(
          ROLES.contains(r.getKey()),
          "roles",
          "unknown role '" + r.getKey() + "'; known: " + String.join(", ", ROLES));
      check(
          r.getValue() != null && r.getValue().id() != null && !r.getValue().id().isEmpty(),
          "roles." + r.getKey(),
          "needs {id, options}");
    }
    // the update rule is cheap to make: its options are checked here, before any data is read
    io.jqp.experiments.providers.Training.optimizer(
        optimizer,
        io.jqp.experiments.providers.Training.knobs(momentum, optimizerOptions),
        io.jqp.engine.tf.LearningRate.constant(learningRate),
        weightDecay,
        1);
  }

  /**
   * When each stage switches on, in training steps.
   *
   * @param weightDelay t_q of weights
   * @param activationDelay t_q of activations
   * @param pruneStart t_p
   * @param pruneInterval Δ
   * @param pruneRepetitions n (0 = the target at once at t_p)
   */
  public record Timing(
      long weightDelay,
      long activationDelay,
      long pruneStart,
      long pruneInterval,
      int pruneRepetitions) {
    /** The step at which the last mask update happens. */
    public long lastPruneUpdate() {
      return pruneStart + (long) pruneRepetitions * pruneInterval;
    }
  }

  /**
   * The schedule in steps. Presets take the paper's schedule of the task (SPEC §11; classification:
   * 250 epochs, P→Q: t_p 100, weight t_q 230, activation t_q 235; Q→P: weight t_q 100, activation
   * t_q 110, t_p 130; Δ 15, n 4) and scale it to this run's epochs; fields set explicitly (&gt;= 0)
   * win.
   */
  public Timing timing(long stepsPerEpoch) {
    double[] paper = io.jqp.experiments.tasks.Tasks.byId(task).paperSchedule(preset);
    double scale = paper == null ? 0 : (double) epochs * stepsPerEpoch / paper[0];
    long tqW = weightDelay >= 0 ? weightDelay : paper == null ? 0 : Math.round(paper[1] * scale);
    long tqA =
        activationDelay >= 0 ? activationDelay : paper == null ? 0 : Math.round(paper[2] * scale);
    long tp = pruneStart >= 0 ? pruneStart : paper == null ? 0 : Math.round(paper[3] * scale);
    long dt =
        pruneInterval >= 1
            ? pruneInterval
            : paper == null ? 1 : Math.max(1, Math.round(paper[4] * scale));
    int n = pruneRepetitions >= 0 ? pruneRepetitions : paper == null ? 0 : (int) paper[5];
    return new Timing(tqW, tqA, tp, dt, n);
  }

  private static void check(boolean ok, String field, String message) {
    if (!ok) {
      throw new JqpException(field + ": " + message);
    }
  }

  /**
   * The defaults of {@code jqp train}: small CNN, 4 epochs, Adam 1e-3 with cosine decay, batch 128,
   * FP32.
   */
  public static TrainConfig defaults() {
    return new TrainConfig(
        "fashion-mnist",
        "small-cnn",
        4,
        128,
        "adam",
        1e-3,
        "cosine",
        0.9,
        0,
        1,
        2,
        32,
        0,
        "fixed",
        "magnitude",
        "/usr/share/datasets/fashion-mnist",
        0,
        0,
        "none",
        false,
        2048,
        -1,
        -1,
        -1,
        -1,
        -1,
        java.util.List.of(),
        0,
        "jqp",
        0.1,
        1e-5,
        false,
        0,
        -9,
        1,
        0,
        2,
        java.util.Map.of(),
        "",
        java.util.Map.of(),
        java.util.Map.of(),
        java.util.Map.of(),
        java.util.Map.of());
  }

  public TrainConfig withEpochs(int e) {
    return copy(java.util.Map.of("epochs", e));
  }

  public TrainConfig withBits(int b) {
    return copy(java.util.Map.of("bits", b));
  }

  public TrainConfig withSparsity(double s) {
    return copy(java.util.Map.of("sparsity", s));
  }

  public TrainConfig withSeed(long s) {
    return copy(java.util.Map.of("seed", s));
  }

  public TrainConfig withLimits(int train, int test) {
    return copy(java.util.Map.<String, Object>of("trainLimit", train, "testLimit", test));
  }

  public TrainConfig withBatchSize(int b) {
    return copy(java.util.Map.of("batchSize", b));
  }

  public TrainConfig withPreset(String p) {
    return copy(java.util.Map.of("preset", p));
  }

  public TrainConfig withPruneActivations(boolean on) {
    return copy(java.util.Map.of("pruneActivations", on));
  }

  public TrainConfig withWindow(int t) {
    return copy(java.util.Map.of("window", t));
  }

  /** The loss plugin id this run trains with: {@link #loss} or the task's own. */
  public String lossId() {
    return loss.isEmpty() ? io.jqp.experiments.tasks.Tasks.byId(task).defaultLoss() : loss;
  }

  /** A copy with the named fields replaced (names as in config.yaml); validated like any config. */
  public TrainConfig copy(java.util.Map<String, Object> changes) {
    return ConfigIo.copy(this, changes);
  }
}
