package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jqp.api.Recipe;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch norm in a model's builds (TensorFlow's fused kernel): the training step normalises with the
 * batch's statistics (biased variance), the moving averages take the batch mean and the
 * Bessel-corrected variance, and evaluation normalises with the moving averages; checked against
 * host arithmetic.
 */
class FusedBatchNormTest {

  @Test
  void trainingUsesBatchStatisticsAndEvaluationTheMovingAverages() {
    int batch = 16;
    int in = 5;
    int units = 3;
    float eps = 1e-3f;
    TfModelDef def = (n, x) -> n.batchNorm("bn", n.dense("fc", x, units, false));
    try (TfModel m =
        TfModel.build(
            def,
            new long[] {in},
            Losses.MSE,
            0,
            Recipe.fullPrecision(),
            Optimizer.sgd(LearningRate.constant(1e-9), 0, 0),
            3,
            1,
            batch,
            "t")) {
      Random r = new Random(4);
      float[] x = new float[batch * in];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextGaussian() * 2 + 0.5);
      }
      Map<String, TfCheckpoint.Entry> before = m.variableValues();
      float[] w = before.get("fc/kernel").values();
      double[][] h = new double[batch][units];
      for (int b = 0; b < batch; b++) {
        for (int u = 0; u < units; u++) {
          for (int i = 0; i < in; i++) {
            h[b][u] += (double) x[b * in + i] * w[i * units + u];
          }
        }
      }
      double[] mean = new double[units];
      double[] var = new double[units];
      for (int u = 0; u < units; u++) {
        for (double[] row : h) {
          mean[u] += row[u] / batch;
        }
        for (double[] row : h) {
          var[u] += (row[u] - mean[u]) * (row[u] - mean[u]) / batch;
        }
      }
      // the training loss (targets 0): mean of the squares of the batch-normalised values
      double loss = 0;
      for (double[] row : h) {
        for (int u = 0; u < units; u++) {
          double y = (row[u] - mean[u]) / Math.sqrt(var[u] + eps);
          loss += y * y / (batch * units);
        }
      }
      float got = m.trainStep(TfModel.Batch.regression(x, new float[batch * units], batch));
      assertEquals(loss, got, 1e-4 * loss, "training normalises with the batch statistics");
      Map<String, TfCheckpoint.Entry> after = m.variableValues();
      float[] mm = after.get("bn/moving_mean").values();
      float[] mv = after.get("bn/moving_variance").values();
      for (int u = 0; u < units; u++) {
        assertEquals(0.1 * mean[u], mm[u], 1e-5, "moving mean");
        assertEquals(0.9 + 0.1 * var[u] * batch / (batch - 1), mv[u], 1e-5, "moving variance");
      }
      float[] eval = m.predict(x, batch);
      for (int b = 0; b < batch; b++) {
        for (int u = 0; u < units; u++) {
          double y = (h[b][u] - mm[u]) / Math.sqrt(mv[u] + eps);
          assertEquals(y, eval[b * units + u], 1e-4, "evaluation uses the moving averages");
        }
      }
    }
  }
}
