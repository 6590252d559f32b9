package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.Recipe;
import io.jqp.plugins.djpq.DjpqQuantizer;
import io.jqp.plugins.djpq.VibGate;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks of DJPQ (SPEC §10). The gates' μ and log σ² enter the loss smoothly (away from
 * the keep threshold): their symbolic gradients are compared with central differences. The
 * quantizer is piecewise constant in its step d and range q_max (finite differences are zero almost
 * everywhere), so its symbolic gradients with respect to log d, log q_max and the weights are
 * compared with the closed form of SPEC §10 computed on the host.
 */
class DjpqGradientTest {
  private static final int B = 16;

  private static float[] gaussian(int n, long seed, double scale) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (scale * r.nextGaussian());
    }
    return a;
  }

  @Test
  void gateGradientsForMuAndLogSigma2MatchCentralDifferences() {
    TfModelDef def =
        (net, x) ->
            net.dense("out", net.activationSite("in", net.dense("in", x, 3, true)), 2, true);
    Recipe recipe =
        Recipe.fullPrecision()
            .withActivationPruner(new VibGate(0.05, 0, 1, -9, -1))
            .withPruneFirstAndLast(true);
    float[] x = gaussian(B * 4, 1, 1);
    float[] y = gaussian(B * 2, 2, 1);
    TfModel.Batch batch = TfModel.Batch.regression(x, y, B);
    try (TfModel m =
        TfModel.build(
            def,
            new long[] {4},
            io.jqp.engine.tf.Losses.MSE,
            0,
            recipe,
            Optimizer.sgd(LearningRate.constant(1e-9), 0, 0),
            3,
            1,
            B,
            "g")) {
      // log α = log σ² − log μ²: channels 0 and 2 kept (−1.55, −3.36), channel 1 pruned (+0.39),
      // all away from θ = 0
      float[] mu = {0.8f, -0.5f, 1.2f};
      float[] ls2 = {-2f, -1f, -3f};
      m.setValues(Map.of("in/activation/pruner/mu", mu, "in/activation/pruner/log_sigma2", ls2));
      TfModel.LossAndGradients g = m.lossAndGradients(batch);
      for (String name :
          new String[] {"in/activation/pruner/mu", "in/activation/pruner/log_sigma2"}) {
        float[] base = name.endsWith("mu") ? mu : ls2;
        float[] symbolic = g.gradients().get(name);
        for (int j = 0; j < 3; j++) {
          double h = 1e-2;
          float[] plus = base.clone();
          plus[j] += (float) h;
          float[] minus = base.clone();
          minus[j] -= (float) h;
          m.setValues(Map.of(name, plus));
          double lp = m.lossAndGradients(batch).loss();
          m.setValues(Map.of(name, minus));
          double lm = m.lossAndGradients(batch).loss();
          m.setValues(Map.of(name, base));
          double numeric = (lp - lm) / (2 * h);
          assertEquals(numeric, symbolic[j], 2e-3 + 2e-2 * Math.abs(numeric), name + "[" + j + "]");
        }
      }
      float[] gl = g.gradients().get("in/activation/pruner/log_sigma2");
      // the pruned channel's log σ² only moves the KL: ∂/∂ log σ² of γ·½ log(1 + μ²/σ²) = −γ/2 ·
      // (μ²/σ²) / (1 + μ²/σ²)
      double r = 0.25 / Math.exp(-1);
      assertEquals(-0.05 / 2 * r / (1 + r), gl[1], 1e-5);
    }
  }

  @Test
  void quantizerGradientsForStepRangeAndInputFollowTheClosedForm() {
    TfModelDef def = (net, x) -> net.dense("w", x, 1, false);
    Recipe recipe =
        Recipe.fullPrecision().withWeightQuantizer(new DjpqQuantizer(8, 2, 16, false, 0));
    float[] x = gaussian(B * 6, 4, 1);
    float[] y = gaussian(B, 5, 1);
    TfModel.Batch batch = TfModel.Batch.regression(x, y, B);
    try (TfModel m =
        TfModel.build(
            def,
            new long[] {6},
            io.jqp.engine.tf.Losses.MSE,
            0,
            recipe,
            Optimizer.sgd(LearningRate.constant(1e-12), 0, 0),
            3,
            1,
            B,
            "q")) {
      m.trainStep(
          batch); // initialises q_max and d from the weights at step 0 and switches the quantizer
      // on
      float[] w = {0.9f, -0.42f, 0.13f, -1.3f, 0.05f, 0.61f};
      double q = 0.7;
      double d = q / 5.3;
      m.setValues(
          Map.of(
              "w/kernel",
              w,
              "w/weight/quantizer/log_qmax",
              new float[] {(float) Math.log(q)},
              "w/weight/quantizer/log_step",
              new float[] {(float) Math.log(d)}));
      q = (float) Math.exp((float) Math.log(q));
      d = (float) Math.exp((float) Math.log(d));
      TfModel.LossAndGradients g = m.lossAndGradients(batch);
      double[] wq = new double[6];
      boolean[] inside = new boolean[6];
      for (int i = 0; i < 6; i++) {
        inside[i] = Math.abs(w[i]) <= q;
        wq[i] = Math.signum(w[i]) * d * Math.floor(Math.min(Math.abs(w[i]), q) / d + 0.5);
      }
      // MSE over the batch: ∂L/∂wq_i = 2/B Σ_b (out_b − y_b) x_bi
      double[] gq = new double[6];
      double loss = 0;
      for (int b = 0; b < B; b++) {
        double out = 0;
        for (int i = 0; i < 6; i++) {
          out += x[b * 6 + i] * wq[i];
        }
        loss += (out - y[b]) * (out - y[b]) / B;
        for (int i = 0; i < 6; i++) {
          gq[i] += 2.0 / B * (out - y[b]) * x[b * 6 + i];
        }
      }
      assertEquals(loss, g.loss(), 1e-5, "the forward value is x_q");
      double dLogD = 0;
      double dLogQ = 0;
      for (int i = 0; i < 6; i++) {
        double dw = inside[i] ? gq[i] : 0;
        assertEquals(
            dw,
            g.gradients().get("w/kernel")[i],
            1e-5,
            "∂/∂w_" + i + " is 1 inside the range, 0 outside");
        dLogD += inside[i] ? gq[i] * (wq[i] - w[i]) / d * d : 0;
        dLogQ += inside[i] ? 0 : gq[i] * Math.signum(w[i]) * q;
      }
      assertTrue(!inside[0] && !inside[3] && inside[1], "the case covers both sides of q_max");
      assertEquals(
          dLogD,
          g.gradients().get("w/weight/quantizer/log_step")[0],
          1e-5,
          "∂/∂log d = d · Σ inside (x_q − x)/d · ∂L/∂x_q");
      assertEquals(
          dLogQ,
          g.gradients().get("w/weight/quantizer/log_qmax")[0],
          1e-5,
          "∂/∂log q = q · Σ outside sign(x) · ∂L/∂x_q");
    }
  }
}
