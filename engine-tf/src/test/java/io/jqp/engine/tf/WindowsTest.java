package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.SiteKind;
import io.jqp.plugins.FixedPoint;
import io.jqp.plugins.Quantizers;
import io.jqp.plugins.Rounding;
import io.jqp.plugins.Schedules;
import io.jqp.plugins.WindowedActivationPruner;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sliding windows (SPEC §2, §6) in the graph against the same computation on the host; mask tiling;
 * saturation.
 */
class WindowsTest {

  static float[][] batches(int steps, int batch, int per, long seed) {
    Random r = new Random(seed);
    float[][] b = new float[steps][batch * per];
    for (float[] x : b) {
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
    }
    return b;
  }

  @Test
  void windowedMaskEqualsTheHostMaskOfTheLastTSamples() {
    int per = 6;
    int batch = 2;
    int window = 5;
    // sparsity 0.5 from step 4: the window holds the last 5 samples of steps 1..3
    WindowedActivationPruner p =
        new WindowedActivationPruner(
            Schedules.step(new long[] {4}, new double[] {0.5}), window, false);
    float[][] data = batches(6, batch, per, 11);
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {per},
            new long[] {-1, per},
            batch,
            Quantizer.identity(),
            p)) {
      int observed = 0;
      for (int step = 0; step < 4; step++) {
        h.runUpdates(step, data[step]);
        observed += h.runObservers(step, data[step]);
      }
      assertEquals(3, observed, "collects only during the ceil(T/B) = 3 steps before the update");
      h.runUpdates(4, data[4]);
      double[] importance = new double[per];
      // last 5 samples: second sample of step 1, both of steps 2 and 3
      int[][] samples = {{1, 1}, {2, 0}, {2, 1}, {3, 0}, {3, 1}};
      for (int[] s : samples) {
        for (int i = 0; i < per; i++) {
          importance[i] += Math.abs(data[s[0]][s[1] * per + i]);
        }
      }
      Integer[] order = {0, 1, 2, 3, 4, 5};
      java.util.Arrays.sort(order, (a, b) -> Double.compare(importance[b], importance[a]));
      float[] expectedMask = new float[per];
      for (int k = 0; k < 3; k++) {
        expectedMask[order[k]] = 1;
      }
      float[] x = data[5];
      float[] y = h.forward(x);
      for (int s = 0; s < batch; s++) {
        for (int i = 0; i < per; i++) {
          assertEquals(
              x[s * per + i] * expectedMask[i], y[s * per + i], 0f, "sample " + s + " entry " + i);
        }
      }
      assertEquals(0.5, h.reports().get("sparsity"), 1e-6);
    }
  }

  @Test
  void channelwisePruningDropsWholeChannels() {
    WindowedActivationPruner p =
        new WindowedActivationPruner(io.jqp.api.Schedule.constant(0.5), 4, true);
    float[] x = new float[2 * 2 * 2 * 4];
    for (int i = 0; i < x.length; i++) {
      int c = i % 4;
      x[i] = (c + 1) * (i % 3 == 0 ? -1 : 1);
    }
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {2, 2, 4},
            new long[] {-1, 2, 2, 4},
            2,
            Quantizer.identity(),
            p)) {
      h.runUpdates(0, x);
      h.runObservers(0, x);
      // a constant schedule decides at step 0, from an empty window: nothing is pruned yet (all
      // importances 0 tie)
      float[] y = h.forward(x);
      int zeros = 0;
      for (float v : y) {
        zeros += v == 0 ? 1 : 0;
      }
      assertEquals(y.length / 2, zeros, "two of four channels pruned");
    }
    WindowedActivationPruner later =
        new WindowedActivationPruner(Schedules.step(new long[] {1}, new double[] {0.5}), 2, true);
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {2, 2, 4},
            new long[] {-1, 2, 2, 4},
            2,
            Quantizer.identity(),
            later)) {
      h.runUpdates(0, x);
      h.runObservers(0, x);
      h.runUpdates(1, x);
      float[] y = h.forward(x);
      for (int i = 0; i < y.length; i++) {
        assertEquals(
            i % 4 < 2 ? 0f : x[i], y[i], 0f, "channels 0 and 1 have the smallest mean |h|");
      }
    }
  }

  @Test
  void maskTilingCentresRepeatedMasksInOnes() {
    float[] mask = {1, 0, 0, 1};
    Pruner tiled = (ops, x, ctx) -> ops.mul(x, ops.tileCentered(ops.constant(mask, 2, 2, 1), x));
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {2, 2, 1},
            new long[] {-1, -1, -1, 1},
            1,
            Quantizer.identity(),
            tiled)) {
      float[] ones = new float[25];
      java.util.Arrays.fill(ones, 1f);
      float[] y = h.forward(ones, new long[] {1, 5, 5, 1});
      // 5 = 2·2 + 1: the 4×4 tiling sits at offset 0 (floor(1/2)), the last row and column stay
      // unpruned
      float[] expected = {
        1, 0, 1, 0, 1,
        0, 1, 0, 1, 1,
        1, 0, 1, 0, 1,
        0, 1, 0, 1, 1,
        1, 1, 1, 1, 1
      };
      assertArrayEquals(expected, y, 0f);
      float[] same = h.forward(new float[] {1, 1, 1, 1}, new long[] {1, 2, 2, 1});
      assertArrayEquals(mask, same, 0f, "same size: the mask itself");
      float[] big = new float[36];
      java.util.Arrays.fill(big, 1f);
      float[] y6 = h.forward(big, new long[] {1, 6, 6, 1});
      assertEquals(18, (int) sum(y6), "6 = 3·2: fully tiled, half pruned");
      float[] seven = new float[49];
      java.util.Arrays.fill(seven, 1f);
      float[] y7 = h.forward(seven, new long[] {1, 7, 7, 1});
      assertEquals(1f, y7[0], "7 = 3·2 + 1: border of 0 before, 1 after; (0,0) is a mask 1");
      assertEquals(0f, y7[1]);
      assertEquals(49 - 18, (int) sum(y7));
    }
  }

  private static double sum(float[] a) {
    double s = 0;
    for (float v : a) {
      s += v;
    }
    return s;
  }

  @Test
  void windowedPrunerTilesItsLearnedMaskOnLargerInputs() {
    WindowedActivationPruner p =
        new WindowedActivationPruner(Schedules.step(new long[] {1}, new double[] {0.5}), 2, false);
    float[] x = {4, 1, 1, 4, 4, 1, 1, 4};
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {2, 2, 1},
            new long[] {-1, -1, -1, 1},
            2,
            Quantizer.identity(),
            p)) {
      h.runUpdates(0, x);
      h.runObservers(0, x);
      h.runUpdates(1, x);
      float[] ones = new float[16];
      java.util.Arrays.fill(ones, 1f);
      assertArrayEquals(
          new float[] {1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1},
          h.forward(ones, new long[] {1, 4, 4, 1}),
          0f);
    }
  }

  @Test
  void delayedQuantizerSearchesTheWindowOfSamplesBeforeTq() {
    int per = 50;
    float[][] data = batches(4, 2, per, 3);
    for (int i = 0; i < data[1].length; i++) {
      data[1][i] *=
          0.01f; // step 1 is outside the 4-sample window before t_q = 3: it must not matter
    }
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {per},
            new long[] {-1, per},
            2,
            Quantizers.fixed(4).withDelay(3).withWindow(4),
            Pruner.none())) {
      for (int step = 0; step < 3; step++) {
        assertEquals(0, h.runUpdates(step, data[step]));
        h.runObservers(step, data[step]);
        assertArrayEquals(data[step], h.forward(data[step]), 0f, "identity before t_q");
      }
      // the d* search and, outside a model's phased steps, the run-time switch of SiteContext.from
      assertEquals(2, h.runUpdates(3, data[3]));
      float[] window = new float[4 * per];
      System.arraycopy(data[1], 0, window, 0, 0);
      System.arraycopy(data[2], 0, window, 0, 2 * per);
      // steps 1 and 2 were observed; with T = 4 and B = 2 the window holds exactly them
      System.arraycopy(data[1], 0, window, 2 * per, 2 * per);
      int expected = FixedPoint.searchFractionalBits(window, 4, 0, 20, Rounding.TRUNCATE);
      assertEquals(expected, h.reports().get("d"));
    }
  }

  @Test
  void saturationVectorsInTheGraph() {
    float[] w = new float[10003];
    for (int i = 0; i <= 10000; i++) {
      w[i] = (float) (-1.0 + 2.0 * i / 10000);
    }
    w[10001] = 100;
    w[10002] = -100;
    try (TfStrategyHarness plain =
            new TfStrategyHarness(
                SiteKind.WEIGHT, new long[] {w.length}, Quantizers.fixed(8), Pruner.none());
        TfStrategyHarness sat =
            new TfStrategyHarness(
                SiteKind.WEIGHT,
                new long[] {w.length},
                Quantizers.fixed(8).saturated(0.0001, 0.9999),
                Pruner.none())) {
      plain.runUpdates(0, w);
      sat.runUpdates(0, w);
      assertEquals(0.0, plain.reports().get("d"));
      assertEquals(7.0, sat.reports().get("d"));
      float[] y = sat.forward(w);
      assertEquals(
          (float) FixedPoint.quantize(100, 8, 7, Rounding.TRUNCATE),
          y[10001],
          0f,
          "the forward pass still uses plain Q");
    }
  }

  @Test
  void perChannelSearchesEachChannel() {
    float[] w = new float[2000];
    for (int i = 0; i < 1000; i++) {
      w[2 * i] = (float) (-2.0 + 4.0 * i / 999);
      w[2 * i + 1] = (float) (i / 999.0);
    }
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.WEIGHT,
            new long[] {1000, 2},
            Quantizers.fixed(8).withPerChannel(true),
            Pruner.none())) {
      h.runUpdates(0, w);
      assertEquals(6.5, h.reports().get("d"), "mean of d = 6 (range 2) and d = 7 (range 1)");
      float[] y = h.forward(w);
      assertEquals((float) FixedPoint.quantize(w[3], 8, 7, Rounding.TRUNCATE), y[3], 0f);
      assertEquals((float) FixedPoint.quantize(w[2], 8, 6, Rounding.TRUNCATE), y[2], 0f);
      float[] up = new float[2000];
      java.util.Arrays.fill(up, 100f);
      float[] g = h.gradient(w, up);
      assertEquals(
          (float) FixedPoint.maxValue(8, 6),
          g[0],
          0f,
          "per-channel clipped gradient, channel 0 (d = 6)");
      assertEquals(
          (float) FixedPoint.maxValue(8, 7),
          g[1],
          0f,
          "per-channel clipped gradient, channel 1 (d = 7)");
    }
  }
}
