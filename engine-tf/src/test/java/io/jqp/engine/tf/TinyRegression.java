package io.jqp.engine.tf;

import io.jqp.api.Recipe;
import java.util.Random;

/**
 * A tiny regression model (6 inputs, a 5-unit layer with an activation site, 3 outputs; batches of
 * 8, SGD) and its seeded batches, for engine tests of phases and builds.
 */
final class TinyRegression {
  private TinyRegression() {}

  static final int BATCH = 8;
  static final int IN = 6;

  static TfModel model(Recipe recipe, String name) {
    TfModelDef def =
        (n, x) ->
            n.dense("out", n.relu(n.activationSite("fc", n.dense("fc", x, 5, true))), 3, true);
    return TfModel.build(
        def,
        new long[] {IN},
        Losses.MSE,
        0,
        recipe,
        Optimizer.sgd(LearningRate.constant(0.05), 0, 0),
        7,
        1,
        BATCH,
        name);
  }

  /** Gaussian inputs and targets drawn from {@code seed}. */
  static TfModel.Batch batch(int seed) {
    Random r = new Random(seed);
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
}
