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
 * others are built when training or evaluation first reaches them (TensorFlow extends a running
 * session with the new ops), and may not create variables of their own. Evaluation has builds of
 * its own, one per phase: batch norm's fused kernel fixes its mode (batch statistics or moving
 * averages) when it is built.
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

  /**
   * @param builder builds and wires the network for a phase
   */
  TfPhases(Function<TfSites.Phase, Build> builder) {
    this.builder = builder;
    this.first = builder.apply(new TfSites.Phase(0, "", null));
    // the first build's step creates the optimizer's slots, which later builds reuse
    first.trainStep();
    this.switches = first.net().switches();
    builds.put(0L, first);
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
      b = builder.apply(new TfSites.Phase(key, scope, first.net().variables(), training));
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
