package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
      // last 5 samples: second sample of step 1, both of steps 2 and 3
      int[][] samples = {{1, 1}, {2, 0}, {2, 1}, {3, 0}, {3, 1}};
      float[] expectedMask = hostMask(data, per, samples, 3);
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

  /** Host mask keeping the {@code keep} entries of largest Σ|h| over the given (step, sample)s. */
  private static float[] hostMask(float[][] data, int per, int[][] samples, int keep) {
    double[] importance = new double[per];
    for (int[] s : samples) {
      for (int i = 0; i < per; i++) {
        importance[i] += Math.abs(data[s[0]][s[1] * per + i]);
      }
    }
    Integer[] order = new Integer[per];
    for (int i = 0; i < per; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(importance[b], importance[a]));
    float[] mask = new float[per];
    for (int k = 0; k < keep; k++) {
      mask[order[k]] = 1;
    }
    return mask;
  }

  @Test
  void overlappingWindowsOfSuccessiveUpdatesEachSumTheirOwnLastTSamples() {
    int per = 8;
    int batch = 2;
    // T = 5, B = 2: three collecting steps per update; updates at 4 and 5 share steps 2 and 3
    WindowedActivationPruner p =
        new WindowedActivationPruner(
            Schedules.step(new long[] {4, 5}, new double[] {0.25, 0.5}), 5, false);
    float[][] data = batches(7, batch, per, 29);
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {per},
            new long[] {-1, per},
            batch,
            Quantizer.identity(),
            p)) {
      int[][][] windows = {
        {{1, 1}, {2, 0}, {2, 1}, {3, 0}, {3, 1}}, {{2, 1}, {3, 0}, {3, 1}, {4, 0}, {4, 1}}
      };
      int[] keep = {6, 4};
      for (int step = 0; step < 6; step++) {
        h.runUpdates(step, data[step]);
        if (step >= 4) {
          float[] mask = hostMask(data, per, windows[step - 4], keep[step - 4]);
          float[] x = data[6];
          float[] y = h.forward(x);
          for (int i = 0; i < per; i++) {
            assertEquals(x[i] * mask[i], y[i], 0f, "update at " + step + ", entry " + i);
          }
        }
        h.runObservers(step, data[step]);
      }
    }
  }

  @Test
  void windowedSearchCountsOnlyTheOldestBatchsSamplesInsideTheWindow() {
    int per = 40;
    float[][] data = batches(4, 2, per, 5);
    // T = 5, B = 2, t_q = 3: the window is the second sample of step 0 and steps 1 and 2; an
    // outlier in step 0's first sample would pull d* down to 0 if it were counted
    data[0][7] = 300f;
    float[] window = new float[5 * per];
    System.arraycopy(data[0], per, window, 0, per);
    System.arraycopy(data[1], 0, window, per, 2 * per);
    System.arraycopy(data[2], 0, window, 3 * per, 2 * per);
    int expected = FixedPoint.searchFractionalBits(window, 6, 0, 20, Rounding.TRUNCATE);
    float[] withOutlier = window.clone();
    withOutlier[0] = 300f;
    assertTrue(
        FixedPoint.searchFractionalBits(withOutlier, 6, 0, 20, Rounding.TRUNCATE) != expected,
        "the outlier would change d*");
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {per},
            new long[] {-1, per},
            2,
            Quantizers.fixed(6).withDelay(3).withWindow(5),
            Pruner.none())) {
      for (int step = 0; step < 3; step++) {
        h.runUpdates(step, data[step]);
        assertEquals(1, h.runObservers(step, data[step]));
      }
      h.runUpdates(3, data[3]);
      assertEquals(expected, h.reports().get("d"));
    }
  }

  @Test
  void windowedPerChannelSearchMatchesTheHostOnEachChannelsSlice() {
    int channels = 3;
    int per = 4 * channels;
    float[][] data = batches(3, 2, per, 17);
    for (float[] b : data) {
      for (int i = 0; i < b.length; i++) {
        b[i] *= (float) Math.pow(4, i % channels); // ranges about 1, 4, 16: d* differ by channel
      }
    }
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION,
            new long[] {4, channels},
            new long[] {-1, 4, channels},
            2,
            Quantizers.fixed(8).withDelay(2).withWindow(4).withPerChannel(true),
            Pruner.none())) {
      for (int step = 0; step < 2; step++) {
        h.runUpdates(step, data[step]);
        h.runObservers(step, data[step]);
      }
      h.runUpdates(2, data[2]);
      double mean = 0;
      int[] ds = new int[channels];
      for (int c = 0; c < channels; c++) {
        float[] slice = new float[2 * 2 * 4];
        int k = 0;
        for (int step = 0; step < 2; step++) {
          for (int i = c; i < data[step].length; i += channels) {
            slice[k++] = data[step][i];
          }
        }
        ds[c] = FixedPoint.searchFractionalBits(slice, 8, 0, 20, Rounding.TRUNCATE);
        mean += ds[c] / (double) channels;
      }
      assertTrue(ds[0] != ds[2], "channels differ: " + java.util.Arrays.toString(ds));
      assertEquals(mean, h.reports().get("d"), 1e-6);
      float[] y = h.forward(data[2]);
      for (int i = 0; i < y.length; i++) {
        assertEquals(
            (float) FixedPoint.quantize(data[2][i], 8, ds[i % channels], Rounding.TRUNCATE),
            y[i],
            0f,
            "element " + i);
      }
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
