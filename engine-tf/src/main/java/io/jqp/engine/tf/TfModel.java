package io.jqp.engine.tf;

import io.jqp.api.JqpException;
import io.jqp.api.Recipe;
import io.jqp.api.Site;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A network built for training and evaluation in one TensorFlow graph and session: the forward pass
 * with every site's strategies, the loss, the optimizer step, strategy updates and checkpointing.
 * The training step copies only the batch in and the loss out; strategy state stays in the graph.
 *
 * <p>At each training step t the trainer first runs the strategy updates registered for t, one site
 * after another in build order with the step's batch fed, then the optimizer step; the step counter
 * counts training steps only.
 */
public final class TfModel implements AutoCloseable {

  /**
   * A batch: {@code size} samples in row-major NHWC order, with labels (classification) or targets
   * (regression).
   */
  public record Batch(float[] inputs, int[] labels, float[] targets, int size) {
    public static Batch classification(float[] inputs, int[] labels) {
      return new Batch(inputs, labels, new float[0], labels.length);
    }

    public static Batch regression(float[] inputs, float[] targets, int size) {
      return new Batch(inputs, new int[0], targets, size);
    }
  }

  /**
   * What one site reports after building/training: its description, strategies and reported values.
   */
  public record SiteReport(
      Site site, String quantizer, String pruner, Map<String, Double> values) {}

  private final Graph graph;
  private final Session session;
  private final TfNetwork net;
  private final long[] sampleShape;
  private final TfLoss lossKind;
  private final Optimizer optimizer;
  private final String fingerprint;
  private final TfModelDef def;
  private final Recipe recipe;
  private final long seed;
  private final int threads;
  private final int batchSize;
  private final int classes;
  private final Placeholder<TFloat32> input;
  private @org.jspecify.annotations.Nullable TfFeeds feeds;
  private final TfPhases phases;
  private final TfVariables variables;
  private @org.jspecify.annotations.Nullable TfTrainStep lastTrained;
  private @org.jspecify.annotations.Nullable TfProfile profile;
  private long step;

  private TfModel(
      TfModelDef def,
      long[] sampleShape,
      TfLoss lossKind,
      int classes,
      Recipe recipe,
      Optimizer optimizer,
      long seed,
      int threads,
      int batchSize,
      String fingerprint,
      @org.jspecify.annotations.Nullable Map<String, List<Long>> activationShapes) {
    this.def = def;
    this.recipe = recipe;
    this.seed = seed;
    this.threads = threads;
    this.batchSize = batchSize;
    this.classes = classes;
    this.sampleShape = sampleShape.clone();
    this.lossKind = lossKind;
    this.optimizer = optimizer;
    this.fingerprint = fingerprint;
    List<String> order = discover(def, sampleShape, seed, batchSize);
    this.graph = new Graph();
    try {
      boolean inference = activationShapes != null;
      this.input = TfFeeds.input(Ops.create(graph), sampleShape);
      this.phases =
          new TfPhases(
              phase -> {
                TfNetwork n = new TfNetwork(graph, recipe, seed, batchSize, order, phase);
                if (activationShapes != null) {
                  n.activationShapes(activationShapes);
                }
                return wire(n, def.build(n, input), inference);
              });
      this.net = phases.first().net();
      this.variables = new TfVariables(net.tf(), phases.variables());
      Op init = net.tf().withControlDependencies(net.initializers()).noOp();
      this.session = TfVariables.openSession(graph, threads, init);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** The loss, evaluation and training step of one phase's network. */
  private TfPhases.Build wire(TfNetwork n, Operand<TFloat32> output, boolean inference) {
    Ops tf = n.tf();
    TfFeeds f = feeds;
    if (f == null) {
      f = new TfFeeds(tf, input, sampleShape, output.shape(), lossKind.classification());
      feeds = f;
      if (lossKind.classification()
          && (output.shape().numDimensions() != 2 || output.shape().get(1) != classes)) {
        throw new IllegalArgumentException(
            "classification needs logits of shape [batch, " + classes + "], got " + output.shape());
      }
    }
    Operand<TFloat32> loss = lossKind.loss(tf, output, f.labels, f.targets);
    Operand<TFloat32> correct =
        lossKind.classification() ? lossKind.correct(tf, output, f.labels) : tf.constant(0f);
    Operand<TFloat32> total = loss;
    for (Operand<TFloat32> term : n.losses()) {
      total = tf.math.add(total, term);
    }
    List<io.jqp.api.CostTerm.Layer> layers = n.costLayers();
    for (io.jqp.api.CostTerm cost : recipe.costs()) {
      total = tf.math.add(total, TfTensor.of(cost.loss(n.ops(), layers)));
    }
    Operand<TFloat32> objective = total;
    // an evaluation build's step (its gradients, for gradient checks) is built only if asked for
    return new TfPhases.Build(
        n,
        output,
        loss,
        correct,
        () ->
            inference
                ? null
                : new TfTrainStep(graph, tf, "", objective, List.of(n), List.of(n), optimizer));
  }

  /**
   * The weighted layers a model definition builds for this input, in build order, from a scratch
   * graph (no session, no data): what per-layer rules can match.
   */
  public static List<String> layerNames(TfModelDef def, long[] sampleShape, long seed) {
    return discover(def, sampleShape, seed, 1);
  }

  /** The discovery pass: the definition built once in a scratch graph, for its layer order. */
  private static List<String> discover(
      TfModelDef def, long[] sampleShape, long seed, int batchSize) {
    try (Graph scratch = new Graph()) {
      TfNetwork discovery =
          new TfNetwork(scratch, Recipe.fullPrecision(), seed, batchSize, List.of(), true);
      def.build(discovery, TfFeeds.input(Ops.create(scratch), sampleShape));
      return List.copyOf(discovery.weightedLayers());
    }
  }

  /**
   * Builds a model.
   *
   * @param sampleShape one input's shape (e.g. {28, 28, 1})
   * @param classes number of classes for cross-entropy (ignored for MSE)
   * @param threads TensorFlow intra-op threads
   * @param batchSize training batch size (strategies that count samples use it)
   * @param fingerprint identifies the model and recipe; a checkpoint with another fingerprint is
   *     refused
   */
  public static TfModel build(
      TfModelDef def,
      long[] sampleShape,
      TfLoss loss,
      int classes,
      Recipe recipe,
      Optimizer optimizer,
      long seed,
      int threads,
      int batchSize,
      String fingerprint) {
    return new TfModel(
        def,
        sampleShape,
        loss,
        classes,
        recipe,
        optimizer,
        seed,
        threads,
        batchSize,
        fingerprint,
        null);
  }

  /**
   * An evaluation-only copy of this model for inputs of another shape ({@code -1} for a size known
   * only when fed, e.g. {@code {-1, -1, 1}} for whole images of any size): the same layers and
   * strategies, with every activation site keeping the sample shape it has here, so masks learned
   * on training crops are tiled over the larger input (SPEC §6). It holds no optimizer; call {@link
   * #copyValuesFrom} to load the current weights and strategy state, and close it when done.
   */
  public TfModel inferenceCopy(long[] sampleShape) {
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    for (TfNetwork.SiteInfo info : net.sites().values()) {
      if (info.site().kind() == io.jqp.api.SiteKind.ACTIVATION) {
        shapes.put(info.site().layer(), info.site().shape());
      }
    }
    return new TfModel(
        def,
        sampleShape,
        lossKind,
        classes,
        recipe,
        optimizer,
        seed,
        threads,
        batchSize,
        fingerprint,
        shapes);
  }

  /**
   * Loads the values of every variable of this model from {@code source} (same names and shapes),
   * and its step.
   */
  public void copyValuesFrom(TfModel source) {
    // only this copy's variables: the source's optimizer slots stay in its graph
    variables.load(
        session,
        source.variables.values(source.session, variables.names()),
        "model " + source.fingerprint);
    this.step = source.step;
  }

  private TfFeeds feeds() {
    return java.util.Objects.requireNonNull(feeds, "wired with the first build");
  }

  /**
   * Traces training steps into {@code p} from now on (TensorFlow run metadata per op); null stops.
   */
  public void profile(@org.jspecify.annotations.Nullable TfProfile p) {
    this.profile = p;
  }

  /** The steps at which some strategy's transform switches on (the model's phases start there). */
  public java.util.NavigableSet<Long> phaseStarts() {
    return java.util.Collections.unmodifiableNavigableSet(phases.switches());
  }

  // ---------------------------------------------------------------- running

  /** Steps taken so far (training steps only). */
  public long step() {
    return step;
  }

  public long[] sampleShape() {
    return sampleShape.clone();
  }

  /**
   * The first trainable parameter whose gradient held NaN or Inf at the last training step, or
   * null.
   */
  public @org.jspecify.annotations.Nullable String nonFiniteGradient() {
    TfTrainStep t = lastTrained;
    return t == null ? null : t.nonFiniteGradient();
  }

  /** Names of the sites whose strategies updated before the last training step (for logs). */
  public List<String> sitesUpdatedLastStep() {
    TfTrainStep t = lastTrained;
    return t == null ? List.of() : t.lastUpdated();
  }

  /** The graph holding every build (for the engine's tests). */
  Graph graph() {
    return graph;
  }

  /**
   * Announces the run's length in training steps, before training: in the engine's {@code auto}
   * fusion mode ({@link TfFusion}) phases of the schedules that last long enough get compiled
   * scopes. Without it, only phases that end at a later switch are measured.
   */
  public TfModel plan(long steps) {
    phases.plan(steps);
    return this;
  }

  /**
   * {@link #plan(long)}, and makes now every build the rest of the run will train with and the
   * evaluation builds for evaluations after each of {@code evaluatedAfter} training steps: the
   * session then takes in every new op at once at its next run, instead of once per phase switch
   * over an ever larger graph (each such extension re-places the whole graph).
   */
  public TfModel plan(long steps, long... evaluatedAfter) {
    phases.plan(steps);
    phases.prebuild(step, steps, evaluatedAfter);
    return this;
  }

  /** Seconds the strategy updates before the last training step took (0 when none ran). */
  public double secondsUpdatingLastStep() {
    TfTrainStep t = lastTrained;
    return t == null ? 0 : t.lastUpdateNanos() / 1e9;
  }

  /**
   * One training step on {@code batch}: runs the strategy updates due at this step, then the
   * optimizer.
   *
   * @return the batch loss before the update
   */
  public float trainStep(Batch batch) {
    if (phases.first().trainStep() == null) {
      throw new IllegalStateException("an inference copy cannot train");
    }
    try (Prepared p = prepare(batch)) {
      return trainStep(p);
    }
  }

  /**
   * A batch copied into TensorFlow tensors ahead of its step (thread-safe: an input pipeline
   * prepares the next batch on another thread while a step runs); close it after its step.
   */
  public static final class Prepared implements AutoCloseable {
    private final TfFeeds.Feed feed;

    private Prepared(TfFeeds.Feed feed) {
      this.feed = feed;
    }

    @Override
    public void close() {
      feed.close();
    }
  }

  /** Copies {@code batch} into tensors for {@link #trainStep(Prepared)}; safe from any thread. */
  public Prepared prepare(Batch batch) {
    return new Prepared(feeds().open(batch));
  }

  /** {@link #trainStep(Batch)} on a batch prepared beforehand. */
  public float trainStep(Prepared batch) {
    TfTrainStep trainStep = phases.training(step).trainStep();
    if (trainStep == null) {
      throw new IllegalStateException("an inference copy cannot train");
    }
    lastTrained = trainStep;
    trainStep.profile(profile);
    float value = trainStep.run(session, step, batch.feed::into);
    step++;
    return value;
  }

  /**
   * Loss sum and number of correct predictions (classification) over one batch, in evaluation mode.
   */
  public double[] evaluate(Batch batch) {
    TfPhases.Build b = phases.evaluation(step);
    try (TfFeeds.Feed f = feeds().open(batch);
        Result res = f.into(session.runner()).fetch(b.loss()).fetch(b.correct()).run()) {
      return new double[] {
        ((TFloat32) res.get(0)).getFloat() * batch.size(), ((TFloat32) res.get(1)).getFloat()
      };
    }
  }

  /** The network's output for a batch, in evaluation mode, flattened row-major. */
  public float[] predict(float[] inputs, int size) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = size;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return predict(inputs, shape).values();
  }

  /**
   * The network's output for inputs of an explicit shape ({@code [batch, ...sample]}), in
   * evaluation mode; for models built with unknown sample dimensions.
   *
   * @return the output values, row-major, and their shape
   */
  public Prediction predict(float[] inputs, long[] shape) {
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(inputs, true, false));
        Result res =
            session.runner().feed(input, x).fetch(phases.evaluation(step).output()).run()) {
      TFloat32 out = (TFloat32) res.get(0);
      return new Prediction(TfVariables.read(out), out.shape().asArray());
    }
  }

  /** Output values (row-major) and their shape. */
  public record Prediction(float[] values, long[] shape) {}

  /**
   * The training loss (task loss plus the strategies' and cost terms) and its gradient with respect
   * to every trainable variable (weights and strategy parameters), on {@code batch} in evaluation
   * mode (deterministic: no dropout, no gate noise, batch norm on its moving averages); nothing is
   * updated. For gradient checks.
   */
  public LossAndGradients lossAndGradients(Batch batch) {
    TfTrainStep trainStep = phases.evaluation(step).trainStep();
    if (trainStep == null) {
      throw new IllegalStateException("an inference copy has no training loss");
    }
    try (TfFeeds.Feed f = feeds().open(batch)) {
      return trainStep.lossAndGradients(session, f::into);
    }
  }

  /** A loss value and gradients by variable name. */
  public record LossAndGradients(double loss, Map<String, float[]> gradients) {}

  /** Sets some variables (by name) to new values, e.g. to perturb one for a numeric gradient. */
  public void setValues(Map<String, float[]> values) {
    Map<String, TfCheckpoint.Entry> all = variableValues();
    for (Map.Entry<String, float[]> e : values.entrySet()) {
      TfCheckpoint.Entry old = all.get(e.getKey());
      if (old == null) {
        throw new IllegalArgumentException("no variable " + e.getKey());
      }
      all.put(e.getKey(), new TfCheckpoint.Entry(old.shape(), e.getValue()));
    }
    variables.load(session, all, "setValues");
  }

  /** Current values of every variable: weights, optimizer slots and strategy state. */
  public Map<String, TfCheckpoint.Entry> variableValues() {
    return variables.values(session);
  }

  /** Per-site descriptions and reported values (bits, d, sparsity …). */
  public List<SiteReport> siteReports() {
    return TfVariables.siteReports(session, phases.evaluation(step).net(), phases.nets());
  }

  /**
   * The reported values as the training build of the last step's phase computes them: for checks
   * between training steps (is any state non-finite after an update?), without making the phase's
   * evaluation build, which a phase that ends before the next evaluation never needs. Values that
   * differ between training and evaluation (noise, batch statistics) come out as in training. Every
   * build's reports (training and evaluation builds) are read in the same run, here and in {@link
   * #siteReports}, so that TensorFlow prepares one run for them all rather than one per build
   * (about 50 ms each on the small CNN's graph).
   */
  public List<SiteReport> trainingSiteReports() {
    return TfVariables.siteReports(
        session, phases.training(Math.max(0, step - 1)).net(), phases.nets());
  }

  /** Static shape of the network's output (first axis -1: the batch). */
  public long[] predictShape() {
    return phases.first().output().shape().asArray();
  }

  /** Multiply-accumulates of one training example through each weighted layer, in build order. */
  public Map<String, Long> layerMacs() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (io.jqp.api.CostTerm.Layer l : net.costLayers()) {
      m.put(l.name(), l.macs());
    }
    return m;
  }

  /** Total number of trainable parameters. */
  public long parameterCount() {
    return net.trainables().stream().mapToLong(t -> t.variable().shape().size()).sum();
  }

  // ---------------------------------------------------------------- checkpoints

  /** Saves every variable and the step, atomically. */
  public void save(Path file) throws IOException {
    TfCheckpoint.write(file, new TfCheckpoint.Content(step, fingerprint, variableValues()));
  }

  /**
   * Restores a checkpoint written by {@link #save} for the same model and recipe; a mismatch
   * (fingerprint, variable names or shapes) fails before anything is changed.
   */
  public void restore(Path file) throws IOException {
    TfCheckpoint.Content c = TfCheckpoint.read(file);
    if (!c.fingerprint().equals(fingerprint)) {
      throw new TfCheckpoint.FingerprintMismatch(
          "checkpoint "
              + file
              + " belongs to another model or recipe (fingerprint "
              + c.fingerprint()
              + ", expected "
              + fingerprint
              + ")");
    }
    if (!c.variables().keySet().equals(variables.names())) {
      throw new JqpException(
          "checkpoint "
              + file
              + " holds other variables than this model; was it written by another model?");
    }
    variables.load(session, c.variables(), "checkpoint " + file);
    this.step = c.step();
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
