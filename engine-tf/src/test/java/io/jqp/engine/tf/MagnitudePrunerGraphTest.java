package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jqp.api.Quantizer;
import io.jqp.api.SiteKind;
import io.jqp.plugins.MagnitudePruner;
import io.jqp.plugins.Pruners;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPEC §4: the mask keeps exactly n − floor(s·n) entries, the largest by magnitude. */
class MagnitudePrunerGraphTest {

  @ParameterizedTest(name = "n={0}, s={1}")
  @CsvSource({"100, 0.5", "101, 0.5", "7, 0.3", "100, 0.29", "64, 0", "10, 0.99", "1000, 0.875"})
  void keepsExactlyNMinusFloorSN(int n, double s) {
    float[] w = new float[n];
    Random r = new Random(n);
    for (int i = 0; i < n; i++) {
      w[i] = (float) r.nextGaussian();
    }
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.WEIGHT, new long[] {n}, Quantizer.identity(), Pruners.magnitude(s))) {
      // s = 0: the mask it would compute is the full one it starts with, so no update runs
      assertEquals(s == 0 ? 0 : 1, h.runUpdates(0, w));
      float[] y = h.forward(w);
      long pruned = MagnitudePruner.prunedCount(s, n);
      int zeros = 0;
      float minKept = Float.MAX_VALUE;
      float maxPruned = 0;
      for (int i = 0; i < n; i++) {
        if (y[i] == 0) {
          zeros++;
          maxPruned = Math.max(maxPruned, Math.abs(w[i]));
        } else {
          assertEquals(w[i], y[i], 0f);
          minKept = Math.min(minKept, Math.abs(w[i]));
        }
      }
      assertEquals(pruned, zeros);
      assertEquals((long) Math.floor(s * n + 1e-9), pruned);
      if (zeros > 0 && zeros < n) {
        assertEquals(true, maxPruned <= minKept, "pruned entries are the smallest");
      }
      assertEquals((double) pruned / n, h.reports().get("sparsity"), 1e-6);
      assertEquals(0, h.runUpdates(1, w), "a constant schedule decides once, at step 0");
    }
  }

  @ParameterizedTest(name = "ties at n={0}")
  @CsvSource({"10", "11"})
  void tiesGoToTheLowerIndex(int n) {
    float[] w = new float[n];
    java.util.Arrays.fill(w, 1f);
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.WEIGHT, new long[] {n}, Quantizer.identity(), Pruners.magnitude(0.5))) {
      h.runUpdates(0, w);
      float[] y = h.forward(w);
      long kept = n - n / 2;
      for (int i = 0; i < n; i++) {
        assertEquals(i < kept ? 1f : 0f, y[i], "entry " + i);
      }
    }
  }

  /**
   * A large tensor with few distinct magnitudes (as after quantization): the kept set is the host's
   * (magnitude, then lower index), whatever path TensorFlow's selection takes at this size.
   */
  @Test
  void tiesGoToTheLowerIndexInALargeTensor() {
    int n = 300_000;
    float[] w = new float[n];
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < n; i++) {
      w[i] = (float) Math.floor(r.nextGaussian() * 4) / 8f;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        (a, b) -> {
          int c = Float.compare(Math.abs(w[b]), Math.abs(w[a]));
          return c != 0 ? c : Integer.compare(a, b);
        });
    boolean[] keep = new boolean[n];
    for (int i = 0; i < n / 2; i++) {
      keep[order[i]] = true;
    }
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.WEIGHT, new long[] {n}, Quantizer.identity(), Pruners.magnitude(0.5))) {
      h.runUpdates(0, w);
      float[] y = h.forward(w);
      for (int i = 0; i < n; i++) {
        assertEquals(keep[i] ? w[i] : 0f, y[i], 0f, "entry " + i);
      }
    }
  }

  /**
   * A gradual schedule (zero until t_p + Δ) runs no update before its first non-zero value: the
   * mask is the full one it starts with, and the first update prunes as before.
   */
  @Test
  void noUpdateBeforeTheFirstNonZeroSparsity() {
    float[] w = {0.5f, -3, 0.1f, 2, -0.2f, 1, 0.05f, -4};
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.WEIGHT,
            new long[] {8},
            Quantizer.identity(),
            Pruners.magnitude(io.jqp.plugins.Schedules.zhuGupta(5, 2, 2, 0.5)))) {
      assertEquals(0, h.runUpdates(0, w), "s = 0 at step 0: no update");
      org.junit.jupiter.api.Assertions.assertArrayEquals(w, h.forward(w));
      assertEquals(0, h.runUpdates(5, w), "t_p itself: s is still 0");
      // t_p + Δ, the first non-zero sparsity: the mask update and the switch that puts it in the
      // step
      assertEquals(2, h.runUpdates(7, w));
      float[] y = h.forward(w);
      int zeros = 0;
      for (float v : y) {
        zeros += v == 0 ? 1 : 0;
      }
      // s_1 = 0.5·(1 − (1 − 1/2)³) = 0.4375: floor(0.4375·8) = 3 pruned
      assertEquals(3, zeros);
    }
  }
}
