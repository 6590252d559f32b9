package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jqp.api.Recipe;
import io.jqp.plugins.Quantizers;
import io.jqp.plugins.Schedules;
import io.jqp.plugins.WindowedActivationPruner;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An inference copy built for whole images evaluates what was trained on crops: the same output on
 * the training shape, and the activation mask tiled and centred (SPEC §6) on larger inputs of a
 * size known only when fed.
 */
class InferenceCopyTest {
  /**
   * Three 1×1 convolutions (1 → 2 → 2 → 1 channels); the middle one's output is the pruned
   * activation site.
   */
  static final TfModelDef NET =
      (net, x) -> {
        var h = net.conv2d("in", x, 2, 1, 1, "SAME", false);
        h = net.activationSite("mid", net.conv2d("mid", h, 2, 1, 1, "SAME", false));
        return net.conv2d("out", h, 1, 1, 1, "SAME", false);
      };

  @Test
  void masksLearnedOnCropsAreTiledOverLargerInputs() {
    // activations pruned 50 % at step 0 from the first batch; weights quantized to 8 bits
    Recipe recipe =
        Recipe.fullPrecision()
            .withWeightQuantizer(Quantizers.fixed(8))
            .withActivationPruner(
                new WindowedActivationPruner(
                    Schedules.step(new long[] {0}, new double[] {0.5}), 8, false));
    Random r = new Random(3);
    float[] x = new float[8 * 4 * 4];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    try (TfModel m =
        TfModel.build(
            NET,
            new long[] {4, 4, 1},
            io.jqp.engine.tf.Losses.MSE,
            0,
            recipe,
            Optimizer.adam(LearningRate.constant(1e-3)),
            7,
            1,
            8,
            "net")) {
      m.trainStep(TfModel.Batch.regression(x, x.clone(), 8));
      m.trainStep(TfModel.Batch.regression(x, x.clone(), 8));
      float[] mask =
          m.variableValues().entrySet().stream()
              .filter(e -> e.getKey().contains("mask"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElseThrow()
              .values();
      assertEquals(4 * 4 * 2, mask.length);
      assertEquals(16, (int) sum(mask), "half of the 32 activations kept");
      try (TfModel copy = m.inferenceCopy(new long[] {-1, -1, 1})) {
        copy.copyValuesFrom(m);
        float[] onCrop = Arrays.copyOf(x, 16);
        assertArrayEquals(
            m.predict(onCrop, 1),
            copy.predict(onCrop, new long[] {1, 4, 4, 1}).values(),
            1e-6f,
            "same shape as in training: the same output");
        // a 9×9 input of ones: two tiles along each axis, centred (offset 0 before, 1 after); the
        // last row and
        // column are unpruned, so there the output is the unmasked network's
        float[] ones = new float[81];
        Arrays.fill(ones, 1f);
        TfModel.Prediction p = copy.predict(ones, new long[] {1, 9, 9, 1});
        assertArrayEquals(new long[] {1, 9, 9, 1}, p.shape());
        float[] one = new float[16];
        Arrays.fill(one, 1f);
        float[] tile = m.predict(one, 1);
        for (int i = 0; i < 8; i++) {
          for (int j = 0; j < 8; j++) {
            assertEquals(
                tile[(i % 4) * 4 + j % 4],
                p.values()[i * 9 + j],
                1e-6f,
                "tiled mask at " + i + "," + j);
          }
        }
        float border = p.values()[8 * 9 + 8];
        for (int k = 0; k < 9; k++) {
          assertEquals(border, p.values()[8 * 9 + k], 1e-6f, "last row unpruned");
          assertEquals(border, p.values()[k * 9 + 8], 1e-6f, "last column unpruned");
        }
        boolean differs = false;
        for (float v : tile) {
          differs |= Math.abs(v - border) > 1e-6f;
        }
        assertEquals(true, differs, "inside the tiles the mask changes the output");
        assertThrows(
            IllegalStateException.class, () -> copy.trainStep(TfModel.Batch.regression(x, x, 8)));
      }
    }
  }

  private static double sum(float[] a) {
    double s = 0;
    for (float v : a) {
      s += v;
    }
    return s;
  }
}
