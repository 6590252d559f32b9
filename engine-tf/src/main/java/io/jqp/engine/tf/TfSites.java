package io.jqp.engine.tf;

import io.jqp.api.LayerKind;
import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.Recipe;
import io.jqp.api.Schedule;
import io.jqp.api.Site;
import io.jqp.api.SiteKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongPredicate;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The site and state machinery under {@link TfNetwork}'s layers: variables and their initialisers,
 * trainables, strategy state, parameters, updates and observers, loss terms and published values,
 * and the sites themselves (a recipe's pruner then quantizer at every weight and marked
 * activation). Layers live in {@link TfNetwork}.
 */
abstract class TfSites {

  /**
   * A trainable variable and the read the forward pass uses (gradients are taken with respect to
   * the read).
   */
  record Trainable(
      String name,
      Variable<TFloat32> variable,
      Operand<TFloat32> read,
      boolean decay,
      boolean strategy,
      String network) {}

  /** A strategy update registered by a site. */
  record SiteUpdate(Site site, LongPredicate when, Op op) {}

  /** A host schedule fed into the graph on update runs. */
  record Scheduled(PlaceholderWithDefault<TFloat32> placeholder, Schedule schedule) {}

  /**
   * The phase of the schedules a build of the network serves (the TensorFlow engine builds one
   * training step per phase, all sharing the variables): transforms gated by {@link
   * io.jqp.api.SiteContext#from} act in it when they act from {@code start} or earlier.
   *
   * @param start the phase's first step: every transform switching on at or before it is built
   * @param scope a name scope for this build's ops ("" for the first)
   * @param shared the first build's variables, reused by name (null in the first build)
   * @param training whether the build trains (batch statistics) or evaluates (moving averages): the
   *     two modes are separate builds, so that batch norm runs TensorFlow's fused kernel, whose
   *     mode is fixed when it is built
   * @param fuse whether a training build compiles its fused scopes ({@link TfFusion})
   * @param end the step after the phase's last ({@link #OPEN_END} when not known): a later build
   *     builds only the updates and observations due on its steps
   */
  record Phase(
      long start,
      String scope,
      @org.jspecify.annotations.Nullable Map<String, Variable<TFloat32>> shared,
      boolean training,
      boolean fuse,
      long end) {
    /** A phase whose end is not known. */
    static final long OPEN_END = Long.MAX_VALUE;
  }

  /** Phases longer than this build every update, without looking for one due on their steps. */
  private static final long SCANNED_STEPS = 10_000_000L;

  /** A site as built: its description and its reported quantities. */
  record SiteInfo(
      Site site, Map<String, Operand<TFloat32>> reports, String quantizer, String pruner) {}

  final String name;
  final Graph graph;
  final Ops tf;
  final TfGraphOps ops;
  final Recipe recipe;
  final Random random;
  final long seed;
  final Map<String, Integer> layerIndex;
  final int layerCount;
  final boolean discovery;
  final @org.jspecify.annotations.Nullable Phase phase;
  final java.util.TreeSet<Long> switches = new java.util.TreeSet<>();

  final List<String> weightedLayers = new ArrayList<>();
  final Map<String, LayerKind> layerKinds = new LinkedHashMap<>();
  final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
  final List<Op> initializers = new ArrayList<>();
  final List<Trainable> trainables = new ArrayList<>();
  final List<Op> trainingUpdates = new ArrayList<>();
  final List<SiteUpdate> siteUpdates = new ArrayList<>();
  final List<SiteUpdate> observers = new ArrayList<>();
  final int batchSize;
  final List<Scheduled> scheduled = new ArrayList<>();
  final Map<String, SiteInfo> sites = new LinkedHashMap<>();
  final PlaceholderWithDefault<TFloat32> training;
  Map<String, List<Long>> activationShapes = Map.of();
  final List<Operand<TFloat32>> losses = new ArrayList<>();
  final Map<String, Map<String, io.jqp.api.Tensor>> published = new LinkedHashMap<>();
  final Map<String, Long> macs = new LinkedHashMap<>();

  /**
   * @param layerOrder weighted layer names in build order, from a first discovery pass; null for
   *     that pass
   */
  /**
   * @param name the network's name in a graph that holds several (a name scope for its ops); "" for
   *     a model's only network
   */
  TfSites(
      Graph graph,
      String name,
      Recipe recipe,
      long seed,
      int batchSize,
      List<String> layerOrder,
      boolean discovery,
      @org.jspecify.annotations.Nullable Phase phase) {
    this.name = name;
    this.phase = phase;
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
    this.graph = graph;
    String scope = phase == null ? name : phase.scope();
    // a phase's scope (phaseN, evalN) is jqp's own: no need to read the graph's op names for it
    this.tf =
        scope.isEmpty()
            ? Ops.create(graph)
            : phase != null
                ? TfScopes.fresh(Ops.create(graph), scope)
                : Ops.create(graph).withSubScope(scope);
    this.ops =
        new TfGraphOps(
            tf,
            graph,
            seed,
            phase == null ? TfFusion.mode() == TfFusion.Mode.ON : phase.training() && phase.fuse());
    this.recipe = recipe;
    this.seed = seed;
    this.random = new Random(seed);
    this.discovery = discovery;
    this.layerIndex = new LinkedHashMap<>();
    for (int i = 0; i < layerOrder.size(); i++) {
      layerIndex.put(layerOrder.get(i), i);
    }
    this.layerCount = layerOrder.size();
    this.training = tf.withName("training").placeholderWithDefault(tf.constant(0f), Shape.scalar());
  }

  Recipe recipe() {
    return recipe;
  }

  /** Whether this build serves one phase of the schedules (see {@link Phase}). */
  boolean phased() {
    return phase != null;
  }

  /**
   * Records that a transform switches on at {@code step} and tells whether it acts in this build.
   */
  boolean activeFrom(long step) {
    Phase p = java.util.Objects.requireNonNull(phase, "not a phased build");
    if (step != Long.MAX_VALUE) {
      switches.add(step);
    }
    return p.start() >= step;
  }

  /**
   * Whether this build runs an update or observation due when {@code when} holds: every build that
   * is not a later phase's (the first build, which declares the phases and owns the state, and
   * builds outside a model's phases) does; an evaluation build never does; a later training build
   * does when one of its steps is due.
   */
  boolean runsAny(java.util.function.LongPredicate when) {
    Phase p = phase;
    if (p == null || p.shared() == null) {
      return true;
    }
    if (!p.training()) {
      return false;
    }
    if (p.end() == Phase.OPEN_END || p.end() - p.start() > SCANNED_STEPS) {
      return true;
    }
    for (long t = p.start(); t < p.end(); t++) {
      if (when.test(t)) {
        return true;
      }
    }
    return false;
  }

  /** The steps at which transforms of this build switch on. */
  java.util.NavigableSet<Long> switches() {
    return switches;
  }

  /** The network's name ("" for a model's only network). */
  public String name() {
    return name;
  }

  public Ops tf() {
    return tf;
  }

  public Graph graph() {
    return graph;
  }

  /** 1 while training (batch statistics, dropout), 0 in evaluation; fed by the trainer. */
  public Operand<TFloat32> trainingFlag() {
    return training;
  }

  // ---------------------------------------------------------------- variables and state

  Variable<TFloat32> newVariable(String name, Operand<TFloat32> initial) {
    return newVariable(name, () -> initial);
  }

  /**
   * The same with the initial value built only when the variable is new: a later phase's build
   * reuses phase 0's variables, so it adds no initial values to the graph (on the small CNN, 1.6 MB
   * of constants per build that every prepared run would copy, and the random numbers to fill
   * them).
   */
  Variable<TFloat32> newVariable(
      String name, java.util.function.Supplier<Operand<TFloat32>> initialValue) {
    Map<String, Variable<TFloat32>> shared = phase == null ? null : phase.shared();
    if (shared != null && !variables.containsKey(name)) {
      Variable<TFloat32> existing = shared.get(name);
      if (existing == null) {
        throw new IllegalStateException(
            "variable '"
                + name
                + "' appears only in a later phase of the schedules: a strategy must create its state"
                + " outside the transform it passes to SiteContext.from");
      }
      variables.put(name, existing);
      return existing;
    }
    if (variables.containsKey(name)) {
      throw new IllegalArgumentException(
          "duplicate variable name '" + name + "': layer and state names must be unique");
    }
    // graph op names may not contain '/' through withName; the map keeps the readable name
    Operand<TFloat32> initial = initialValue.get();
    Variable<TFloat32> v =
        tf.withName(name.replace('/', '.')).variable(initial.shape(), TFloat32.class);
    initializers.add(tf.assign(v, initial));
    variables.put(name, v);
    return v;
  }

  Operand<TFloat32> trainable(
      String name, java.util.function.Supplier<float[]> values, long[] shape, boolean decay) {
    Variable<TFloat32> v =
        newVariable(
            name, () -> tf.constant(Shape.of(shape), DataBuffers.of(values.get(), true, false)));
    Operand<TFloat32> read = tf.identity(v);
    trainables.add(new Trainable(name, v, read, decay, false, this.name));
    return read;
  }

  TfStateVariable stateVariable(String name, Operand<TFloat32> initial) {
    return new TfStateVariable(tf, newVariable(name, initial));
  }

  TfTensor scheduled(Schedule schedule) {
    PlaceholderWithDefault<TFloat32> p = tf.placeholderWithDefault(tf.constant(0f), Shape.scalar());
    scheduled.add(new Scheduled(p, schedule));
    return new TfTensor(p);
  }

  void addSiteUpdate(Site site, LongPredicate when, Op op) {
    siteUpdates.add(new SiteUpdate(site, when, op));
  }

  void addObserver(Site site, LongPredicate when, Op op) {
    observers.add(new SiteUpdate(site, when, op));
  }

  int batchSize() {
    return batchSize;
  }

  List<SiteUpdate> observers() {
    return observers;
  }

  /** A trainable parameter of a strategy (no weight decay), readable and assignable like state. */
  TfStateVariable parameter(String name, Operand<TFloat32> initial) {
    Variable<TFloat32> v = newVariable(name, initial);
    Operand<TFloat32> read = tf.identity(v);
    trainables.add(new Trainable(name, v, read, false, true, this.name));
    return new TfStateVariable(tf, v, read);
  }

  void addLoss(Operand<TFloat32> term) {
    losses.add(term);
  }

  /** Terms strategies added to the training loss. */
  List<Operand<TFloat32>> losses() {
    return losses;
  }

  void publish(Site site, String key, Operand<TFloat32> value) {
    published
        .computeIfAbsent(site.name(), k -> new LinkedHashMap<>())
        .put(key, new TfTensor(value));
  }

  /** Records the multiply-accumulates of one example through a layer (at the built input size). */
  void macs(String layer, long value) {
    macs.put(layer, value);
  }

  /**
   * The weighted layers with their MACs and what their sites published, for network-level cost
   * terms.
   */
  List<io.jqp.api.CostTerm.Layer> costLayers() {
    List<io.jqp.api.CostTerm.Layer> out = new ArrayList<>();
    for (String layer : weightedLayers) {
      out.add(
          new io.jqp.api.CostTerm.Layer(
              layer,
              java.util.Objects.requireNonNull(layerKinds.get(layer)),
              macs.getOrDefault(layer, 0L),
              published.getOrDefault(layer + "/" + SiteKind.WEIGHT.label(), Map.of()),
              published.getOrDefault(layer + "/" + SiteKind.ACTIVATION.label(), Map.of())));
    }
    return out;
  }

  TfGraphOps ops() {
    return ops;
  }

  void report(Site site, String key, Operand<TFloat32> value) {
    java.util.Objects.requireNonNull(sites.get(site.name()), () -> "no site " + site.name())
        .reports()
        .put(key, value);
  }

  // ---------------------------------------------------------------- sites

  int registerLayer(String name, LayerKind kind) {
    if (layerKinds.containsKey(name)) {
      throw new IllegalArgumentException("duplicate layer name '" + name + "'");
    }
    layerKinds.put(name, kind);
    weightedLayers.add(name);
    if (discovery) {
      return 0;
    }
    Integer i = layerIndex.get(name);
    if (i == null) {
      throw new IllegalStateException(
          "layer '"
              + name
              + "' was not seen in the discovery pass: the model must build the same layers every time");
    }
    return i;
  }

  /**
   * Applies the recipe's pruner, then quantizer, at an explicitly described site (for custom layers
   * and harnesses; the built-in layers call it for you).
   */
  public Operand<TFloat32> applySite(Site site, Operand<TFloat32> x) {
    if (discovery) {
      return x;
    }
    Pruner pruner = recipe.prunerFor(site);
    Quantizer quantizer = recipe.quantizerFor(site);
    sites.put(
        site.name(),
        new SiteInfo(site, new LinkedHashMap<>(), quantizer.toString(), pruner.toString()));
    TfTensor pruned =
        TfTensor.class.cast(
            pruner.prune(ops, new TfTensor(x), new TfSiteContext(this, site, "pruner")));
    TfTensor quantized =
        TfTensor.class.cast(
            quantizer.quantize(ops, pruned, new TfSiteContext(this, site, "quantizer")));
    return quantized.operand();
  }

  Operand<TFloat32> weightSite(String layer, int index, long[] shape, Operand<TFloat32> w) {
    if (discovery) {
      return w;
    }
    List<Long> dims = Arrays.stream(shape).boxed().toList();
    return applySite(
        new Site(
            layer,
            java.util.Objects.requireNonNull(layerKinds.get(layer)),
            SiteKind.WEIGHT,
            dims,
            index,
            layerCount),
        w);
  }

  /**
   * Marks the activation site of {@code layer} (a weighted layer built before): x is pruned, then
   * quantized. Call it where JQP §3 puts it: after the layer's batch norm, before its
   * non-linearity.
   */
  public Operand<TFloat32> activationSite(String layer, Operand<TFloat32> x) {
    if (discovery) {
      return x;
    }
    LayerKind kind = layerKinds.get(layer);
    if (kind == null) {
      throw new IllegalArgumentException("activation site names unknown layer '" + layer + "'");
    }
    long[] shape = x.shape().asArray();
    List<Long> sample =
        activationShapes.getOrDefault(
            layer, Arrays.stream(shape, 1, shape.length).boxed().toList());
    if (sample.stream().anyMatch(d -> d < 0)) {
      throw new IllegalArgumentException(
          "activation site of '"
              + layer
              + "' has no static shape "
              + sample
              + "; build the training model with a static sample shape and evaluate larger inputs through TfModel.inferenceCopy");
    }
    return applySite(
        new Site(
            layer,
            kind,
            SiteKind.ACTIVATION,
            sample,
            java.util.Objects.requireNonNull(
                layerIndex.get(layer), () -> "layer " + layer + " was not numbered"),
            layerCount),
        x);
  }

  // ---------------------------------------------------------------- accessors for the model

  List<String> weightedLayers() {
    return weightedLayers;
  }

  Map<String, Variable<TFloat32>> variables() {
    return variables;
  }

  List<Op> initializers() {
    return initializers;
  }

  List<Trainable> trainables() {
    return trainables;
  }

  List<Op> trainingUpdates() {
    return trainingUpdates;
  }

  List<SiteUpdate> siteUpdates() {
    return siteUpdates;
  }

  List<Scheduled> scheduledValues() {
    return scheduled;
  }

  /**
   * Gives activation sites the sample shape they had in training (by layer name), so that a copy of
   * the network built for inputs of another or unknown size keeps the strategies' state shapes
   * (masks are then tiled to the input, SPEC §6).
   */
  void activationShapes(Map<String, List<Long>> shapes) {
    this.activationShapes = Map.copyOf(shapes);
  }

  Map<String, SiteInfo> sites() {
    return sites;
  }

  Variable<TFloat32> slot(String name, java.util.function.Supplier<Operand<TFloat32>> initial) {
    Map<String, Variable<TFloat32>> shared = phase == null ? null : phase.shared();
    Variable<TFloat32> existing = shared == null ? null : shared.get(name);
    if (existing != null && !variables.containsKey(name)) {
      variables.put(name, existing);
      return existing;
    }
    return newVariable(name, initial.get());
  }
}
