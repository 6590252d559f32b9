package io.jqp.engine.tf;

import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A model's network built once per phase of its schedules, in one graph and sharing every variable:
 * a phase runs from one switch-on step (a t_q or the first pruning step, declared through {@link
 * io.jqp.api.SiteContext#from}) to the next, and its build holds exactly the transforms that act in
 * it. So a strategy costs nothing on the steps before it acts, where a single graph would compute
 * every transform and blend it away. The first build (phase 0) declares the switch steps; the
 * others are built when the run is planned ({@link #prebuild}) or else when training or evaluation
 * first reaches them (TensorFlow extends a running session with the new ops), and may not create
 * variables of their own. Evaluation has builds of its own, one per phase: batch norm's fused
 * kernel fixes its mode (batch statistics or moving averages) when it is built.
 */
final class TfPhases {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TfPhases.class);

  /**
   * One phase's network and what the model runs of it.
   *
   * @param step builds the training step (gradients, optimizer) when first asked; it gives null in
   *     an evaluation-only model
   */
  record Build(
      TfNetwork net,
      Operand<TFloat32> output,
      Operand<TFloat32> loss,
      Operand<TFloat32> correct,
      Supplier<@Nullable TfTrainStep> step) {

    Build {
      step = memoize(step);
    }

    /** The training step, built on first use; null in an evaluation-only model. */
    @Nullable TfTrainStep trainStep() {
      return step.get();
    }

    private static Supplier<@Nullable TfTrainStep> memoize(Supplier<@Nullable TfTrainStep> s) {
      return new Supplier<>() {
        private boolean built;
        private @Nullable TfTrainStep value;

        @Override
        public synchronized @Nullable TfTrainStep get() {
          if (!built) {
            value = s.get();
            built = true;
          }
          return value;
        }
      };
    }
  }

  private final Build first;
  private final NavigableSet<Long> switches;
  private final Function<TfSites.Phase, Build> builder;
  private final TreeMap<Long, Build> builds = new TreeMap<>();
  private final TreeMap<Long, Build> evaluations = new TreeMap<>();
  private static final long UNKNOWN_LENGTH = -1;
  private long planned = UNKNOWN_LENGTH;

  /**
   * @param builder builds and wires the network for a phase
   */
  TfPhases(Function<TfSites.Phase, Build> builder) {
    this.builder = builder;
    // the first build declares the switches: how long phase 0 lasts is not known yet
    this.first =
        builder.apply(
            new TfSites.Phase(
                0, "", null, true, TfFusion.fuses(UNKNOWN_LENGTH), TfSites.Phase.OPEN_END));
    // the first build's step creates the optimizer's slots, which later builds reuse
    first.trainStep();
    this.switches = first.net().switches();
    builds.put(0L, first);
  }

  /**
   * Tells the phases how many training steps the run will take, so that {@link TfFusion}'s {@code
   * auto} mode can compile the scopes of long phases. Call it before training; phase 0, built
   * before its length was known, gets a compiled training build of its own when it qualifies.
   */
  void plan(long steps) {
    planned = steps;
    if (TfFusion.mode() == TfFusion.Mode.AUTO
        && first.net().ops().fusionRequests() > 0
        && builds.get(0L) == first
        && TfFusion.fuses(length(0))) {
      long t0 = System.nanoTime();
      Build b =
          builder.apply(
              new TfSites.Phase(0, "phase0", first.net().variables(), true, true, end(0)));
      builds.put(0L, b);
      LOG.info(
          "compiled training build from step 0 made ({} ms)", (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /**
   * Makes now every training build (with its step) that steps {@code from} to {@code steps − 1}
   * train with, and the evaluation builds of the phases evaluated after each of {@code
   * evaluatedAfter} steps. TensorFlow extends a running session with new ops by placing its whole
   * graph again, at a cost that grows with the graph (about 0.15 s at 15 K nodes on 2 cores): one
   * extension for all builds, at the next run, instead of one per phase switch and per evaluation
   * build made on the way, each over a larger graph than the last.
   */
  void prebuild(long from, long steps, long... evaluatedAfter) {
    if (from < steps) {
      training(from).trainStep();
    }
    for (long s : switches.subSet(from, false, steps, false)) {
      training(s).trainStep();
    }
    for (long e : evaluatedAfter) {
      if (e > from && e <= steps) {
        evaluation(e);
      }
    }
  }

  /** Steps from {@code start} to the next switch or the planned end; negative when unknown. */
  private long length(long start) {
    Long next = switches.higher(start);
    if (next != null) {
      return next - start;
    }
    return planned > 0 ? planned - start : UNKNOWN_LENGTH;
  }

  /**
   * The step after the last of the phase from {@code start}; {@link TfSites.Phase#OPEN_END} when
   * unknown.
   */
  private long end(long start) {
    long n = length(start);
    return n < 0 ? TfSites.Phase.OPEN_END : start + n;
  }

  /** The phase-0 build: it owns every variable and declares the switch steps. */
  Build first() {
    return first;
  }

  /** The variables of the model, from the first build (later builds reuse them). */
  Map<String, Variable<TFloat32>> variables() {
    return first.net().variables();
  }

  /** The steps at which some transform switches on. */
  NavigableSet<Long> switches() {
    return switches;
  }

  /** The build that trains step {@code step}: every transform switched on at or before it. */
  Build training(long step) {
    return build(builds, step, true);
  }

  /**
   * The networks of the builds made so far: the training builds in the order of their first steps,
   * then the evaluation builds likewise.
   */
  java.util.List<TfNetwork> nets() {
    java.util.List<TfNetwork> out = new java.util.ArrayList<>();
    builds.values().forEach(b -> out.add(b.net()));
    evaluations.values().forEach(b -> out.add(b.net()));
    return out;
  }

  /**
   * The evaluation build (batch norm on its moving averages, no noise) of the phase of the last
   * step taken after {@code steps} training steps (a transform switching on at step t acts once
   * step t's updates have run).
   */
  Build evaluation(long steps) {
    return build(evaluations, Math.max(0, steps - 1), false);
  }

  private Build build(TreeMap<Long, Build> cache, long step, boolean training) {
    Long start = switches.floor(step);
    long key = start == null ? 0 : start;
    Build b = cache.get(key);
    if (b == null) {
      long t0 = System.nanoTime();
      String scope = (training ? "phase" : "eval") + key;
      boolean fuse = training && TfFusion.fuses(length(key));
      b =
          builder.apply(
              new TfSites.Phase(key, scope, first.net().variables(), training, fuse, end(key)));
      cache.put(key, b);
      LOG.info(
          "{} build from step {} made ({} ms)",
          training ? "training" : "evaluation",
          key,
          (System.nanoTime() - t0) / 1_000_000);
    }
    return b;
  }
}
