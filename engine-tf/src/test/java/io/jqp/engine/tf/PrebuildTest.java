package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.Recipe;
import io.jqp.plugins.Quantizers;
import java.util.Iterator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TfModel#plan(long, long...)} makes every build the rest of the run needs before it starts
 * (so the session takes in the new ops once): no op is added to the graph while training and
 * evaluating through every phase, a phase already behind a resumed model is not built, and the
 * numbers are those of a model that builds each phase when it reaches it.
 */
class PrebuildTest {
  private static final int BATCH = 8;
  private static final int IN = 6;

  private static TfModel model() {
    TfModelDef def =
        (n, x) ->
            n.dense("out", n.relu(n.activationSite("fc", n.dense("fc", x, 5, true))), 3, true);
    return TfModel.build(
        def,
        new long[] {IN},
        Losses.MSE,
        0,
        Recipe.fullPrecision()
            .withWeightQuantizer(Quantizers.fixed(8).withDelay(2))
            .withActivationQuantizer(Quantizers.fixed(8).withFractionalBits(4).withDelay(4)),
        Optimizer.sgd(LearningRate.constant(0.05), 0, 0),
        7,
        1,
        BATCH,
        "prebuild");
  }

  private static int ops(TfModel m) {
    int n = 0;
    for (Iterator<?> it = m.graph().operations(); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }

  private static TfModel.Batch batch(int step) {
    Random r = new Random(step);
    float[] x = new float[BATCH * IN];
    float[] y = new float[BATCH * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) r.nextGaussian();
    }
    return TfModel.Batch.regression(x, y, BATCH);
  }

  /** Trains 6 steps, evaluating after 3 and 6; the losses and evaluation losses in order. */
  private static float[] run(TfModel m) {
    float[] out = new float[8];
    int k = 0;
    for (int s = 0; s < 6; s++) {
      out[k++] = m.trainStep(batch(s));
      if (s == 2 || s == 5) {
        out[k++] = (float) m.evaluate(batch(100 + s))[0];
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
            int lazyBefore = ops(lazy);
            float[] b = run(lazy);
            assertTrue(ops(lazy) > lazyBefore, "without the plan, phases 2 and 4 are built later");
            assertEquals(before, ops(lazy), "the same builds, made on the way");
            assertArrayEquals(b, a, 0f);
          }
          return null;
        });
  }

  @Test
  void aResumedModelBuildsOnlyThePhasesAhead() {
    TfFusion.during(
        TfFusion.Mode.OFF,
        () -> {
          try (TfModel m = model();
              TfModel all = model()) {
            for (int s = 0; s < 3; s++) {
              m.trainStep(batch(s));
            }
            int before = ops(m);
            m.plan(6, 6);
            int added = ops(m) - before;
            all.plan(6, 3, 6);
            for (int s = 0; s < 3; s++) {
              all.trainStep(batch(s));
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
