package io.jqp.engine.tf;

import io.jqp.api.CostTerm;
import io.jqp.api.JqpException;
import io.jqp.api.Recipe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Several networks in one graph, each with its own recipe (strategies at its sites), trained by
 * named steps that each minimise one loss over some networks' parameters with their own optimizer,
 * in the order the caller runs them: what a GAN needs (a generator with jqp sites and a
 * discriminator, two optimizers, alternating steps). Each step adds the strategy loss terms and the
 * recipe's cost terms of the networks it trains, runs their strategy updates on its own step
 * counter, and checks its gradients for NaN/Inf like a model's step.
 *
 * <pre>{@code
 * try (TfMultiNetwork gan = TfMultiNetwork.build(b -> {
 *   Operand<TFloat32> z = b.input("z", 4), real = b.input("real", 1);
 *   TfNetwork g = b.network("generator", recipe), d = b.network("discriminator", Recipe.fullPrecision());
 *   Operand<TFloat32> fake = generator.build(g, z);
 *   Operand<TFloat32> logits = discriminator.build(d, b.tf().concat(List.of(real, fake), b.tf().constant(0)));
 *   b.step("discriminator", dLoss, Optimizer.adam(rate), d);
 *   b.step("generator", gLoss, Optimizer.adam(rate), g);
 *   b.output("fake", fake);
 * }, seed, threads, batch)) { ... gan.run("discriminator", feeds); gan.run("generator", feeds); ... }
 * }</pre>
 */
public final class TfMultiNetwork implements AutoCloseable {

  /**
   * Describes the graph. Called twice (once to number each network's layers, once for real): build
   * the same both times.
   */
  @FunctionalInterface
  public interface Definition {
    void build(Builder b);
  }

  /** What a definition builds with: inputs, networks, training steps and named outputs. */
  public static final class Builder {
    private final Graph graph;
    private final Ops tf;
    private final boolean discovery;
    private final long seed;
    private final int batchSize;
    private final Map<String, List<String>> orders;
    private final Map<String, TfNetwork> networks = new LinkedHashMap<>();
    private final Map<String, Placeholder<TFloat32>> inputs = new LinkedHashMap<>();
    private final Map<String, long[]> inputShapes = new LinkedHashMap<>();
    private final Map<String, TfTrainStep> steps = new LinkedHashMap<>();
    private final java.util.Set<String> stepNames = new java.util.LinkedHashSet<>();
    private final Map<String, Operand<TFloat32>> outputs = new LinkedHashMap<>();

    private Builder(
        Graph graph,
        boolean discovery,
        long seed,
        int batchSize,
        Map<String, List<String>> orders) {
      this.graph = graph;
      this.tf = Ops.create(graph);
      this.discovery = discovery;
      this.seed = seed;
      this.batchSize = batchSize;
      this.orders = orders;
    }

    public Ops tf() {
      return tf;
    }

    /** A float input of {@code [batch, sampleShape...]}, fed by name. */
    public Operand<TFloat32> input(String name, long... sampleShape) {
      checkName("input", name, inputs.keySet());
      long[] s = new long[sampleShape.length + 1];
      s[0] = -1;
      System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
      Placeholder<TFloat32> p =
          tf.withName("input_" + name).placeholder(TFloat32.class, Placeholder.shape(Shape.of(s)));
      inputs.put(name, p);
      inputShapes.put(name, sampleShape.clone());
      return p;
    }

    /**
     * A network whose sites take their strategies from {@code recipe}; its ops and variables live
     * under {@code name}.
     */
    public TfNetwork network(String name, Recipe recipe) {
      checkName("network", name, networks.keySet());
      long netSeed = seed * 1_000_003L + networks.size();
      TfNetwork n =
          discovery
              ? new TfNetwork(
                  graph, name, Recipe.fullPrecision(), netSeed, batchSize, List.of(), true)
              : new TfNetwork(
                  graph,
                  name,
                  recipe,
                  netSeed,
                  batchSize,
                  orders.getOrDefault(name, List.of()),
                  false);
      networks.put(name, n);
      return n;
    }

    /**
     * A training step: minimises {@code loss} (plus the trained networks' strategy loss terms and
     * cost terms) over the parameters of {@code trained} with {@code optimizer}.
     */
    public void step(
        String name, Operand<TFloat32> loss, Optimizer optimizer, TfNetwork... trained) {
      checkName("step", name, stepNames);
      stepNames.add(name);
      if (trained.length == 0) {
        throw new IllegalArgumentException("step '" + name + "' trains no network");
      }
      if (discovery) {
        return;
      }
      Operand<TFloat32> total = loss;
      for (TfNetwork n : trained) {
        for (Operand<TFloat32> term : n.losses()) {
          total = tf.math.add(total, term);
        }
        List<CostTerm.Layer> layers = n.costLayers();
        for (CostTerm cost : n.recipe().costs()) {
          total = tf.math.add(total, TfTensor.of(cost.loss(n.ops(), layers)));
        }
      }
      steps.put(
          name,
          new TfTrainStep(
              graph, tf, name, total, List.of(trained), List.copyOf(networks.values()), optimizer));
    }

    /** A tensor that {@link TfMultiNetwork#fetch} returns by name, in evaluation mode. */
    public void output(String name, Operand<TFloat32> value) {
      checkName("output", name, outputs.keySet());
      outputs.put(name, value);
    }

    private static void checkName(String kind, String name, java.util.Set<String> taken) {
      if (!name.matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException(
            kind + " name must be lower-case letters, digits and '_', got '" + name + "'");
      }
      if (taken.contains(name)) {
        throw new IllegalArgumentException("duplicate " + kind + " name '" + name + "'");
      }
    }
  }

  private final Graph graph;
  private final Session session;
  private final Builder built;
  private final String fingerprint;
  private final Map<String, Long> stepCounts = new LinkedHashMap<>();
  private final TfVariables variables;

  private TfMultiNetwork(
      Definition def, long seed, int threads, int batchSize, String fingerprint) {
    this.fingerprint = fingerprint;
    Map<String, List<String>> orders = new LinkedHashMap<>();
    try (Graph scratch = new Graph()) {
      Builder d = new Builder(scratch, true, seed, batchSize, Map.of());
      def.build(d);
      d.networks.forEach((name, n) -> orders.put(name, List.copyOf(n.weightedLayers())));
    }
    this.graph = new Graph();
    try {
      this.built = new Builder(graph, false, seed, batchSize, orders);
      def.build(built);
      if (built.steps.isEmpty()) {
        throw new IllegalArgumentException("the definition declares no training step");
      }
      Ops tf = built.tf;
      List<Op> inits = new ArrayList<>();
      Map<String, Variable<TFloat32>> all = new LinkedHashMap<>();
      for (Map.Entry<String, TfNetwork> n : built.networks.entrySet()) {
        inits.addAll(n.getValue().initializers());
        n.getValue().variables().forEach((k, v) -> all.put(n.getKey() + "/" + k, v));
      }
      this.variables = new TfVariables(tf, all);
      built.steps.keySet().forEach(s -> stepCounts.put(s, 0L));
      this.session =
          TfVariables.openSession(graph, threads, tf.withControlDependencies(inits).noOp());
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * Builds the graph and initialises every network.
   *
   * @param batchSize the training batch size (strategies that count samples use it)
   * @param fingerprint identifies the definition and recipes; a checkpoint with another is refused
   */
  public static TfMultiNetwork build(
      Definition def, long seed, int threads, int batchSize, String fingerprint) {
    return new TfMultiNetwork(def, seed, threads, batchSize, fingerprint);
  }

  /** The declared training steps, in declaration order. */
  public List<String> steps() {
    return List.copyOf(built.steps.keySet());
  }

  /** How many times a step has run. */
  public long count(String step) {
    Long c = stepCounts.get(step);
    if (c == null) {
      throw new IllegalArgumentException(
          "unknown step '" + step + "'; known: " + String.join(", ", stepCounts.keySet()));
    }
    return c;
  }

  /**
   * Runs one training step on a batch of {@code batch} samples; {@code feeds} maps input names to
   * their values, row-major. Returns the step's loss before its update; a non-finite gradient fails
   * naming the parameter.
   */
  public float run(String step, int batch, Map<String, float[]> feeds) {
    long n = count(step);
    TfTrainStep s = java.util.Objects.requireNonNull(built.steps.get(step));
    List<TFloat32> tensors = tensors(batch, feeds);
    try {
      float loss = s.run(session, n, r -> feed(r, feeds, tensors));
      stepCounts.put(step, n + 1);
      if (!Float.isFinite(loss) || s.nonFiniteGradient() != null) {
        throw new JqpException(
            "step '"
                + step
                + "' diverged at its step "
                + n
                + ": loss is "
                + loss
                + (s.nonFiniteGradient() != null
                    ? "; first non-finite gradient is that of " + s.nonFiniteGradient()
                    : "")
                + "; lower the learning rate");
      }
      return loss;
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /**
   * A named output on a batch, in evaluation mode (batch norm on its moving averages, no noise),
   * row-major.
   */
  public float[] fetch(String output, int batch, Map<String, float[]> feeds) {
    Operand<TFloat32> o = built.outputs.get(output);
    if (o == null) {
      throw new IllegalArgumentException(
          "unknown output '" + output + "'; known: " + String.join(", ", built.outputs.keySet()));
    }
    List<TFloat32> tensors = tensors(batch, feeds);
    try (Result res = feed(session.runner(), feeds, tensors).fetch(o).run()) {
      return TfVariables.read((TFloat32) res.get(0));
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  private List<TFloat32> tensors(int batch, Map<String, float[]> feeds) {
    List<TFloat32> out = new ArrayList<>();
    try {
      for (Map.Entry<String, float[]> e : feeds.entrySet()) {
        long[] sample = built.inputShapes.get(e.getKey());
        if (sample == null) {
          throw new IllegalArgumentException(
              "unknown input '"
                  + e.getKey()
                  + "'; known: "
                  + String.join(", ", built.inputShapes.keySet()));
        }
        long[] s = new long[sample.length + 1];
        s[0] = batch;
        System.arraycopy(sample, 0, s, 1, sample.length);
        if (Arrays.stream(s).reduce(1, (a, b) -> a * b) != e.getValue().length) {
          throw new IllegalArgumentException(
              "input '"
                  + e.getKey()
                  + "' needs "
                  + Arrays.toString(s)
                  + " values, got "
                  + e.getValue().length);
        }
        out.add(TFloat32.tensorOf(Shape.of(s), DataBuffers.of(e.getValue(), true, false)));
      }
      return out;
    } catch (RuntimeException e) {
      out.forEach(TFloat32::close);
      throw e;
    }
  }

  private Session.Runner feed(
      Session.Runner r, Map<String, float[]> feeds, List<TFloat32> tensors) {
    int i = 0;
    for (String name : feeds.keySet()) {
      r.feed(built.inputs.get(name), tensors.get(i++));
    }
    return r;
  }

  /** Site reports (bits, d, sparsity … and the strategies) of one network. */
  public List<TfModel.SiteReport> siteReports(String network) {
    TfNetwork n = built.networks.get(network);
    if (n == null) {
      throw new IllegalArgumentException(
          "unknown network '"
              + network
              + "'; known: "
              + String.join(", ", built.networks.keySet()));
    }
    return TfVariables.siteReports(session, n);
  }

  /**
   * Saves every network's variables (weights, optimizer slots, strategy state) and each step's
   * count, atomically.
   */
  public void save(Path file) throws IOException {
    Map<String, TfCheckpoint.Entry> values = new LinkedHashMap<>(variables.values(session));
    // each step's count, as the raw bits of one float (exact up to 2^31 steps)
    stepCounts.forEach(
        (k, v) ->
            values.put(
                "#count/" + k,
                new TfCheckpoint.Entry(
                    new long[] {1}, new float[] {Float.intBitsToFloat((int) (long) v)})));
    TfCheckpoint.write(file, new TfCheckpoint.Content(0, fingerprint, values));
  }

  /**
   * Restores a checkpoint written by {@link #save} for the same definition; a mismatch fails before
   * anything changes.
   */
  public void restore(Path file) throws IOException {
    TfCheckpoint.Content c = TfCheckpoint.read(file);
    if (!c.fingerprint().equals(fingerprint)) {
      throw new JqpException(
          "checkpoint "
              + file
              + " belongs to another definition (fingerprint "
              + c.fingerprint()
              + ", expected "
              + fingerprint
              + ")");
    }
    variables.load(session, c.variables(), "checkpoint " + file);
    for (String s : stepCounts.keySet()) {
      TfCheckpoint.Entry e = c.variables().get("#count/" + s);
      stepCounts.put(s, e == null ? 0L : Float.floatToRawIntBits(e.values()[0]));
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
