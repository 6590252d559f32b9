package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.Recipe;
import io.jqp.plugins.Quantizers;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/**
 * {@link TfModel#plan(long, long...)} makes every build the rest of the run needs before it starts
 * (so the session takes in the new ops once): no op is added to the graph while training and
 * evaluating through every phase, a phase already behind a resumed model is not built, and the
 * numbers are those of a model that builds each phase when it reaches it.
 */
class PrebuildTest {
  private static TfModel model() {
    return TinyRegression.model(
        Recipe.fullPrecision()
            .withWeightQuantizer(Quantizers.fixed(8).withDelay(2))
            .withActivationQuantizer(Quantizers.fixed(8).withFractionalBits(4).withDelay(4)),
        "prebuild");
  }

  private static int ops(TfModel m) {
    int n = 0;
    for (Iterator<?> it = m.graph().operations(); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }

  /** Trains 6 steps, evaluating after 3 and 6; the losses and evaluation losses in order. */
  private static float[] run(TfModel m) {
    float[] out = new float[8];
    int k = 0;
    for (int s = 0; s < 6; s++) {
      out[k++] = m.trainStep(TinyRegression.batch(s));
      if (s == 2 || s == 5) {
        out[k++] = (float) m.evaluate(TinyRegression.batch(100 + s))[0];
      }
    }
    return out;
  }

  @Test
  void aPlannedRunAddsNoOpsWhileItTrainsAndTrainsToTheSameNumbers() {
    TfFusion.during(
        TfFusion.Mode.OFF,
        () -> {
          try (TfModel planned = model();
              TfModel lazy = model()) {
            planned.plan(6, 3, 6);
            int before = ops(planned);
            float[] a = run(planned);
            assertEquals(before, ops(planned), "every build was made by plan");
            // the run's length, without the builds: the last phase's end is known to both
            lazy.plan(6);
            int lazyBefore = ops(lazy);
            float[] b = run(lazy);
            assertTrue(ops(lazy) > lazyBefore, "without the plan, phases 2 and 4 are built later");
            assertEquals(before, ops(lazy), "the same builds, made on the way");
            assertArrayEquals(b, a, 0f);
          }
          return null;
        });
  }

  /** Ops of {@code type} in the builds whose scope starts with {@code scope}. */
  private static int ops(TfModel m, String scope, String type) {
    int n = 0;
    for (Iterator<org.tensorflow.GraphOperation> it = m.graph().operations(); it.hasNext(); ) {
      org.tensorflow.GraphOperation op = it.next();
      if (op.type().equals(type) && op.name().startsWith(scope)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void laterBuildsCarryOnlyTheUpdatesDueOnTheirStepsAndTrainToTheSameNumbers() {
    TfFusion.during(
        TfFusion.Mode.OFF,
        () -> {
          try (TfModel planned = model();
              TfModel open = model()) {
            planned.plan(6, 3, 6);
            float[] a = run(planned);
            // without a plan the last phase's end is unknown: its build takes every update
            float[] b = run(open);
            assertArrayEquals(b, a, 0f);
            assertTrue(ops(planned) < ops(open), ops(planned) + " ops against " + ops(open));
            // the weights' d* search (an ArgMin over the candidates) runs before step 2 only
            int searches = ops(planned, "phase2/", "ArgMin");
            assertTrue(searches > 0, "phase 2 runs it");
            assertEquals(
                2 * searches, ops(planned, "ArgMin"), "and the first build, which declares it");
            assertEquals(0, ops(planned, "phase4/", "ArgMin"), "phase 4 does not");
            assertEquals(0, ops(planned, "eval", "ArgMin"), "no evaluation build runs it");
            assertEquals(
                searches, ops(open, "phase4/", "ArgMin"), "a phase of unknown end takes it");
          }
          return null;
        });
  }

  private static int ops(TfModel m, String type) {
    return ops(m, "", type);
  }

  @Test
  void aResumedModelBuildsOnlyThePhasesAhead() {
    TfFusion.during(
        TfFusion.Mode.OFF,
        () -> {
          try (TfModel m = model();
              TfModel all = model()) {
            for (int s = 0; s < 3; s++) {
              m.trainStep(TinyRegression.batch(s));
            }
            int before = ops(m);
            m.plan(6, 6);
            int added = ops(m) - before;
            all.plan(6, 3, 6);
            for (int s = 0; s < 3; s++) {
              all.trainStep(TinyRegression.batch(s));
            }
            // m had the training builds of phases 0 and 2; plan adds phase 4 and its evaluation
            assertTrue(added > 0, "phase 4 and its evaluation are built");
            assertTrue(
                ops(all) > ops(m), "no evaluation build for phase 2, which m evaluates no more");
          }
          return null;
        });
  }
}
