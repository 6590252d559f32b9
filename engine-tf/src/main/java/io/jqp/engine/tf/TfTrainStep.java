package io.jqp.engine.tf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One kind of training step in a graph: minimises a loss over the trainable parameters of some
 * networks with one optimizer. Before the optimizer it runs those networks' strategy updates due at
 * the step, one site after another in build order; with it, their batch-norm statistics and the
 * observers due (window collection). Every parameter update waits for every gradient and the loss,
 * so a step does not depend on op scheduling. A model has one; a graph with several networks (a
 * GAN's generator and discriminator) has one per optimizer.
 */
final class TfTrainStep {
  private final String name;
  private final List<TfNetwork> trained;
  private final List<TfNetwork> all;
  private final Operand<TFloat32> loss;
  private final Optimizer optimizer;
  private final Placeholder<TFloat32> learningRate;
  private final Map<String, Operand<TFloat32>> gradients = new LinkedHashMap<>();
  private final Operand<TBool> gradientsFinite;
  private final List<String> gradientNames;
  private final Op trainOp;
  private List<String> lastUpdated = List.of();
  private long lastUpdateNanos;
  private @Nullable String nonFiniteGradient;
  private @Nullable TfProfile profile;

  /**
   * @param name "" for a model's only step, else the step's name (it prefixes optimizer slots and
   *     ops)
   * @param trained the networks whose parameters this step updates
   * @param all every network of the graph (their training flags are fed while it runs)
   */
  TfTrainStep(
      Graph graph,
      Ops tf,
      String name,
      Operand<TFloat32> loss,
      List<TfNetwork> trained,
      List<TfNetwork> all,
      Optimizer optimizer) {
    this.name = name;
    this.trained = List.copyOf(trained);
    this.all = List.copyOf(all);
    this.loss = loss;
    this.optimizer = optimizer;
    String suffix = name.isEmpty() ? "" : "_" + name;
    this.learningRate =
        tf.withName("learning_rate" + suffix)
            .placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    List<TfNetwork.Trainable> params = new ArrayList<>();
    for (TfNetwork n : trained) {
      params.addAll(n.trainables());
    }
    Output<?>[] reads = new Output<?>[params.size()];
    for (int i = 0; i < reads.length; i++) {
      reads[i] = params.get(i).read().asOutput();
    }
    Output<?>[] grads = graph.addGradients(loss.asOutput(), reads);
    for (int i = 0; i < params.size(); i++) {
      if (grads[i] != null) {
        gradients.put(qualified(params.get(i)), cast(grads[i]));
      }
    }
    List<Operand<TBool>> finite = new ArrayList<>();
    for (Operand<TFloat32> g : gradients.values()) {
      finite.add(tf.reduceAll(tf.math.isFinite(g), allAxes(tf, g.shape().numDimensions())));
    }
    this.gradientsFinite = finite.isEmpty() ? tf.constant(new boolean[] {true}) : tf.stack(finite);
    this.gradientNames = List.copyOf(gradients.keySet());
    this.trainOp = buildApplies(tf, params, grads, suffix);
  }

  private String qualified(TfNetwork.Trainable p) {
    return trained.size() == 1 && name.isEmpty() ? p.name() : p.network() + "/" + p.name();
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(Output<?> o) {
    return (Operand<TFloat32>) (Operand<?>) o;
  }

  static Operand<TInt32> allAxes(Ops tf, int rank) {
    int[] a = new int[rank];
    for (int i = 0; i < rank; i++) {
      a[i] = i;
    }
    return tf.constant(a);
  }

  private Op buildApplies(
      Ops tf, List<TfNetwork.Trainable> params, Output<?>[] grads, String suffix) {
    List<Op> applies = new ArrayList<>();
    List<Op> allGradients = new ArrayList<>();
    for (Output<?> g : grads) {
      if (g != null) {
        allGradients.add(g);
      }
    }
    allGradients.add(loss);
    String slots = name.isEmpty() ? "optimizer/" : "optimizer/" + name + "/";
    TfNetwork owner = trained.get(0);
    // under a network's or phase's own prefix nothing else names ops "optimizer…"
    Ops ot =
        TfScopes.prefixed(tf)
            ? TfScopes.fresh(tf, "optimizer" + suffix)
            : tf.withSubScope("optimizer" + suffix);
    Ops gated = ot.withControlDependencies(allGradients);
    Map<String, Variable<TFloat32>> shared = new LinkedHashMap<>();
    Optimizer.UpdateRule rule = optimizer.rule();
    for (int i = 0; i < params.size(); i++) {
      TfNetwork.Trainable p = params.get(i);
      if (grads[i] == null) {
        continue;
      }
      Operand<TFloat32> g = cast(grads[i]);
      if (p.decay() && optimizer.weightDecay() > 0) {
        g = ot.math.add(g, ot.math.mul(p.read(), ot.constant((float) optimizer.weightDecay())));
      }
      Operand<TFloat32> rate =
          p.strategy() && optimizer.strategyRateScale() != 1
              ? ot.math.mul(learningRate, ot.constant((float) optimizer.strategyRateScale()))
              : learningRate;
      String slot = slots + (trained.size() == 1 ? "" : p.network() + "/") + p.name();
      applies.add(
          rule.apply(
              gated, p.variable(), g, rate, slots(ot, owner, p.variable(), slot, slots, shared)));
    }
    List<Op> ops = new ArrayList<>(applies);
    for (TfNetwork n : trained) {
      ops.addAll(n.trainingUpdates());
    }
    ops.addAll(rule.finish(ot, applies, slots(ot, owner, null, slots + "step", slots, shared)));
    return tf.withControlDependencies(ops).withName("train" + suffix).noOp();
  }

  /**
   * Slots of one variable ({@code prefix/name}) and of the whole step ({@code stepPrefix + name}),
   * each made once.
   */
  private static Optimizer.Slots slots(
      Ops ot,
      TfNetwork owner,
      @Nullable Variable<TFloat32> variable,
      String prefix,
      String stepPrefix,
      Map<String, Variable<TFloat32>> shared) {
    return new Optimizer.Slots() {
      @Override
      public Variable<TFloat32> slot(String name, float initial) {
        if (variable == null) {
          throw new IllegalStateException("finish() has no variable; use shared slots there");
        }
        // the initial value is built only where the slot is created (the first build): a later
        // phase's build reuses the slot, and each op built costs a scan of the growing graph
        return owner.slot(
            prefix + "/" + name,
            () -> ot.fill(ot.constant(variable.shape().asArray()), ot.constant(initial)));
      }

      @Override
      public Variable<TFloat32> shared(String name, float initial) {
        return shared.computeIfAbsent(
            name, n -> owner.slot(stepPrefix + n, () -> ot.constant(initial)));
      }
    };
  }

  /**
   * Gradients of the loss by parameter name ({@code network/parameter} when the step trains several
   * networks).
   */
  Map<String, Operand<TFloat32>> gradients() {
    return gradients;
  }

  /**
   * The loss and every gradient for the fed batch, nothing updated (no training op runs; without
   * the training flag fed, the network is in evaluation mode).
   */
  TfModel.LossAndGradients lossAndGradients(Session session, UnaryOperator<Session.Runner> feeds) {
    Session.Runner r = feeds.apply(session.runner()).fetch(loss);
    List<String> names = new ArrayList<>(gradients.keySet());
    for (String n : names) {
      r.fetch(gradients.get(n));
    }
    try (Result res = r.run()) {
      Map<String, float[]> g = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        g.put(names.get(i), TfVariables.read((TFloat32) res.get(i + 1)));
      }
      return new TfModel.LossAndGradients(((TFloat32) res.get(0)).getFloat(), g);
    }
  }

  Operand<TFloat32> loss() {
    return loss;
  }

  /** Traces the due steps into {@code p} (null: none). */
  void profile(@Nullable TfProfile p) {
    this.profile = p;
  }

  List<String> lastUpdated() {
    return lastUpdated;
  }

  /** Wall time of the strategy updates run before the last step, in nanoseconds (0: none). */
  long lastUpdateNanos() {
    return lastUpdateNanos;
  }

  @Nullable String nonFiniteGradient() {
    return nonFiniteGradient;
  }

  /**
   * The due updates as session runs. A weight site's update reads only its own weight and state,
   * and so does an activation site's update that does not read the batch (one from window sums,
   * say), so the first updates of all those sites run together, then their second updates, and so
   * on (one run instead of one per site: each distinct run costs TensorFlow an executor on first
   * use). An activation site's update that reads the batch reads the forward pass up to it, so
   * those then run one by one in site order, each seeing every update before it.
   *
   * @param readsBatch whether an update reads the batch (see {@link #readsBatch})
   */
  static List<List<Op>> updateRuns(
      List<TfNetwork.SiteUpdate> due, java.util.function.Predicate<Op> readsBatch) {
    List<List<Op>> rounds = new ArrayList<>();
    Map<io.jqp.api.Site, Integer> seen = new java.util.HashMap<>();
    List<List<Op>> activations = new ArrayList<>();
    for (TfNetwork.SiteUpdate u : due) {
      if (u.site().kind() == io.jqp.api.SiteKind.WEIGHT || !readsBatch.test(u.op())) {
        int k = seen.merge(u.site(), 1, Integer::sum) - 1;
        if (k == rounds.size()) {
          rounds.add(new ArrayList<>());
        }
        rounds.get(k).add(u.op());
      } else {
        activations.add(List.of(u.op()));
      }
    }
    rounds.addAll(activations);
    return rounds;
  }

  /** Per update op (by name): whether it reads the batch; a graph walk once per op. */
  private final Map<String, Boolean> batchReaders = new java.util.HashMap<>();

  private boolean readsBatch(Op update) {
    return batchReaders.computeIfAbsent(update.op().name(), k -> readsBatch(update.op()));
  }

  /**
   * Whether {@code op} depends, through its inputs and control inputs, on a {@code Placeholder}:
   * the batch's inputs, labels and targets are the only ones (the training flag, the scheduled
   * values and the random step are placeholders with defaults, which every run feeds alike).
   */
  static boolean readsBatch(org.tensorflow.Operation op) {
    java.util.ArrayDeque<org.tensorflow.GraphOperation> todo = new java.util.ArrayDeque<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    todo.add((org.tensorflow.GraphOperation) op);
    seen.add(op.name());
    while (!todo.isEmpty()) {
      org.tensorflow.GraphOperation o = todo.pop();
      if (o.type().equals("Placeholder")) {
        return true;
      }
      for (org.tensorflow.Operand<?> in : o.inputs()) {
        org.tensorflow.GraphOperation p = (org.tensorflow.GraphOperation) in.op();
        if (seen.add(p.name())) {
          todo.add(p);
        }
      }
      for (org.tensorflow.GraphOperation c : o.controlInputs()) {
        if (seen.add(c.name())) {
          todo.add(c);
        }
      }
    }
    return false;
  }

  /**
   * Runs the step {@code step}: the trained networks' strategy updates due, then the optimizer with
   * the loss and the gradients' finiteness fetched. {@code feeds} adds the data (inputs, labels) to
   * a runner.
   *
   * @return the loss before the update
   */
  float run(Session session, long step, UnaryOperator<Session.Runner> feeds) {
    List<TfNetwork.SiteUpdate> due = new ArrayList<>();
    List<TfNetwork.SiteUpdate> observing = new ArrayList<>();
    for (TfNetwork n : trained) {
      for (TfNetwork.SiteUpdate u : n.siteUpdates()) {
        if (u.when().test(step)) {
          due.add(u);
        }
      }
      for (TfNetwork.SiteUpdate o : n.observers()) {
        if (o.when().test(step)) {
          observing.add(o);
        }
      }
    }
    lastUpdated = due.stream().map(u -> u.site().name()).distinct().toList();
    List<TFloat32> owned = new ArrayList<>();
    try (TFloat32 lr = TFloat32.scalarOf((float) optimizer.rate().at(step));
        TFloat32 on = TFloat32.scalarOf(1f);
        TInt64 randomStep = TInt64.scalarOf(step)) {
      UnaryOperator<Session.Runner> common =
          r -> {
            for (TfNetwork n : all) {
              r.feed(n.trainingFlag(), on);
              if (n.ops().hasRandomOps()) {
                r.feed(n.ops().randomStep(), randomStep);
              }
            }
            return feeds.apply(r);
          };
      // fed to the runs that read them, the updates and the steps that observe, and never to a
      // plain step: so a step with strategy updates runs the same signature (feeds, fetches,
      // targets) as one without (TensorFlow prepares each distinct signature once, at about 0.1 s
      // on a graph with every phase's build), and a plain step makes no scalars for values it
      // does not read
      if (!due.isEmpty() || !observing.isEmpty()) {
        for (TfNetwork n : trained) {
          for (TfNetwork.Scheduled s : n.scheduledValues()) {
            owned.add(TFloat32.scalarOf((float) s.schedule().valueAt(step)));
          }
        }
      }
      UnaryOperator<Session.Runner> withSchedules =
          r -> {
            if (owned.isEmpty()) {
              return r;
            }
            int i = 0;
            for (TfNetwork n : trained) {
              for (TfNetwork.Scheduled s : n.scheduledValues()) {
                r.feed(s.placeholder(), owned.get(i++));
              }
            }
            return r;
          };
      long updateStart = System.nanoTime();
      for (List<Op> together : updateRuns(due, this::readsBatch)) {
        Session.Runner r = withSchedules.apply(common.apply(session.runner()));
        together.forEach(r::addTarget);
        r.run().close();
      }
      lastUpdateNanos = due.isEmpty() ? 0 : System.nanoTime() - updateStart;
      TfProfile p = profile;
      if (p != null && !due.isEmpty()) {
        p.updates(lastUpdateNanos);
      }
      if (p != null && !observing.isEmpty()) {
        p.observed();
      }
      Session.Runner r =
          (observing.isEmpty() ? common : withSchedules.compose(common))
              .apply(session.runner())
              .feed(learningRate, lr)
              .addTarget(trainOp)
              .fetch(loss)
              .fetch(gradientsFinite);
      for (TfNetwork.SiteUpdate o : observing) {
        r.addTarget(o.op());
      }
      boolean traced = p != null && p.due(step);
      if (traced) {
        r.setOptions(TfProfile.TRACE);
      }
      try (Result res = traced ? r.runAndFetchMetadata() : r.run()) {
        if (p != null && traced) {
          res.getMetadata().ifPresent(p::add);
        }
        float value = ((TFloat32) res.get(0)).getFloat();
        nonFiniteGradient = null;
        TBool ok = (TBool) res.get(1);
        for (int i = 0; i < gradientNames.size() && nonFiniteGradient == null; i++) {
          if (!ok.getBoolean(i)) {
            nonFiniteGradient = gradientNames.get(i);
          }
        }
        return value;
      }
    } finally {
      owned.forEach(TFloat32::close);
    }
  }
}
