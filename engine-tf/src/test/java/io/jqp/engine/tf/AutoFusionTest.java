package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.JqpException;
import io.jqp.api.Recipe;
import io.jqp.plugins.Quantizers;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;

/**
 * The {@code auto} fusion mode ({@link TfFusion}): a training phase gets compiled scopes when it
 * lasts at least {@link TfFusion#AUTO_MIN_STEPS} steps of the planned run, phase 0 too (once the
 * run is planned), and never an evaluation build; a compiled phase trains to the same numbers.
 */
@org.junit.jupiter.api.extension.ExtendWith(ChainOfKernels.class)
class AutoFusionTest {

  private static TfModel model(long tq) {
    return TinyRegression.model(
        Recipe.fullPrecision()
            .withActivationQuantizer(Quantizers.fixed(8).withFractionalBits(4).withDelay(tq)),
        "auto-fusion");
  }

  /** Ops in a compilation scope whose name starts with {@code prefix}. */
  private static int compiled(TfModel m, String prefix) {
    int n = 0;
    Iterator<GraphOperation> it = m.graph().operations();
    while (it.hasNext()) {
      GraphOperation op = it.next();
      if (!op.name().startsWith(prefix)) {
        continue;
      }
      try {
        n += op.attributes().getAttrBool("_XlaCompile") ? 1 : 0;
      } catch (RuntimeException absent) {
        // not in a scope
      }
    }
    return n;
  }

  /** Trains {@code steps} steps of a model switching at t_q = 2, planned for {@code planned}. */
  private static float[] train(TfModel m, long planned, int steps) {
    m.plan(planned);
    float[] losses = new float[steps];
    for (int s = 0; s < steps; s++) {
      losses[s] = m.trainStep(TinyRegression.batch(s));
    }
    return losses;
  }

  @Test
  void aLongEnoughPhaseIsCompiledAndTrainsToTheSameNumbers() {
    long min = TfFusion.AUTO_MIN_STEPS;
    TfFusion.during(
        TfFusion.Mode.AUTO,
        () -> {
          try (TfModel longRun = model(2);
              TfModel shortRun = model(2)) {
            float[] a = train(longRun, 2 + min, 4);
            float[] b = train(shortRun, 2 + min - 1, 4);
            assertTrue(compiled(longRun, "phase2/") > 0, "a phase of AUTO_MIN_STEPS is compiled");
            assertEquals(0, compiled(shortRun, "phase2/"), "one step fewer is not");
            assertEquals(0, compiled(longRun, "eval"), "evaluation builds never are");
            longRun.predict(TinyRegression.batch(9).inputs(), TinyRegression.BATCH);
            assertEquals(0, compiled(longRun, "eval"), "evaluation builds never are");
            for (int s = 0; s < a.length; s++) {
              assertEquals(b[s], a[s], 0f, "loss at step " + s);
            }
          }
          return null;
        });
  }

  @Test
  void phaseZeroGetsACompiledBuildOnceTheRunIsPlanned() {
    TfFusion.during(
        TfFusion.Mode.AUTO,
        () -> {
          try (TfModel m = model(0);
              TfModel unplanned = model(0)) {
            assertEquals(0, compiled(m, ""), "built before its length is known: not compiled");
            train(m, TfFusion.AUTO_MIN_STEPS, 2);
            assertTrue(compiled(m, "phase0/") > 0, "planned long enough: a compiled build");
            for (int s = 0; s < 2; s++) {
              unplanned.trainStep(TinyRegression.batch(s));
            }
            assertEquals(0, compiled(unplanned, ""), "never planned: never compiled");
          }
          return null;
        });
  }

  @Test
  void offAndOnOverrideThePlan() {
    TfFusion.during(
        TfFusion.Mode.OFF,
        () -> {
          try (TfModel m = model(2)) {
            train(m, 10_000, 4);
            assertEquals(0, compiled(m, ""), "off: nothing compiled");
          }
          return null;
        });
    TfFusion.during(
        TfFusion.Mode.ON,
        () -> {
          try (TfModel m = model(2)) {
            train(m, 3, 4);
            assertTrue(compiled(m, "phase2/") > 0, "on: compiled however short the phase");
          }
          return null;
        });
  }

  @Test
  void anUnknownSettingIsAnErrorNamingTheProperty() {
    String old = System.getProperty(TfFusion.PROPERTY);
    System.setProperty(TfFusion.PROPERTY, "yes");
    try {
      JqpException e = assertThrows(JqpException.class, TfFusion::mode);
      assertTrue(e.getMessage().contains("jqp.fuse must be true, false or auto"), e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(TfFusion.PROPERTY);
      } else {
        System.setProperty(TfFusion.PROPERTY, old);
      }
    }
  }
}
