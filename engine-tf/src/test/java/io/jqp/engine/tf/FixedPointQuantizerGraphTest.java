package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jqp.api.Pruner;
import io.jqp.api.SiteKind;
import io.jqp.plugins.FixedPoint;
import io.jqp.plugins.FixedPointQuantizer;
import io.jqp.plugins.Quantizers;
import io.jqp.plugins.Rounding;
import io.jqp.plugins.SteGradient;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §1 vectors through the TensorFlow graph, in both rounding modes, and the three gradient
 * variants.
 */
class FixedPointQuantizerGraphTest {
  static final float[] X = {-5f, -4.01f, -0.04f, -0.03f, 0f, 0.03f, 0.99f, 1.99f, 3.97f, 5f};

  static Stream<Arguments> vectors() {
    return Stream.of(
        Arguments.of(
            8,
            5,
            Rounding.TRUNCATE,
            new float[] {-4, -4, -0.03125f, 0, 0, 0, 0.96875f, 1.96875f, 3.96875f, 3.96875f}),
        Arguments.of(
            4, 2, Rounding.TRUNCATE, new float[] {-2, -2, 0, 0, 0, 0, 0.75f, 1.75f, 1.75f, 1.75f}),
        Arguments.of(
            8,
            5,
            Rounding.HALF_EVEN,
            new float[] {-4, -4, -0.03125f, -0.03125f, 0, 0.03125f, 1, 2, 3.96875f, 3.96875f}),
        Arguments.of(
            4, 2, Rounding.HALF_EVEN, new float[] {-2, -2, 0, 0, 0, 0, 1, 1.75f, 1.75f, 1.75f}));
  }

  @ParameterizedTest(name = "Q(x; {0}, {1}) {2}")
  @MethodSource("vectors")
  void specVectorsInGraph(int bits, int d, Rounding rounding, float[] expected) {
    FixedPointQuantizer q = Quantizers.fixed(bits).withFractionalBits(d).withRounding(rounding);
    try (TfStrategyHarness h =
        new TfStrategyHarness(SiteKind.WEIGHT, new long[] {X.length}, q, Pruner.none())) {
      float[] y = h.forward(X);
      assertArrayEquals(expected, y, 0f);
      for (int i = 0; i < X.length; i++) {
        assertEquals(
            (float) FixedPoint.quantize(X[i], bits, d, rounding),
            y[i],
            0f,
            "host reference at " + X[i]);
      }
      assertEquals(bits, h.reports().get("bits"));
      assertEquals(d, h.reports().get("d"));
    }
  }

  static Stream<Arguments> gradients() {
    return Stream.of(
        Arguments.of(
            SteGradient.CLIPPED, new float[] {0.5f, 0.5f, 0.5f}, new float[] {3.96875f, 1, -4}),
        Arguments.of(
            SteGradient.CLIPPED, new float[] {9f, 0.5f, -9f}, new float[] {3.96875f, 1, -4}),
        Arguments.of(
            SteGradient.ZERO_SATURATED, new float[] {9f, 0.5f, -9f}, new float[] {0, 1, 0}),
        Arguments.of(
            SteGradient.ZERO_SATURATED, new float[] {0.5f, 0.5f, 0.5f}, new float[] {100, 1, -100}),
        Arguments.of(
            SteGradient.IDENTITY, new float[] {9f, 0.5f, -9f}, new float[] {100, 1, -100}));
  }

  @ParameterizedTest(name = "{0} at x={1}")
  @MethodSource("gradients")
  void straightThroughGradients(SteGradient variant, float[] x, float[] expected) {
    float[] upstream = {100, 1, -100};
    FixedPointQuantizer q = Quantizers.fixed(8).withFractionalBits(5).withGradient(variant);
    try (TfStrategyHarness h =
        new TfStrategyHarness(SiteKind.WEIGHT, new long[] {3}, q, Pruner.none())) {
      float[] g = h.gradient(x, upstream);
      assertArrayEquals(expected, g, 0f);
      for (int i = 0; i < 3; i++) {
        assertEquals((float) FixedPoint.gradient(upstream[i], x[i], 8, 5, variant), g[i], 0f);
      }
    }
  }

  @Test
  void identityUntilTheDelayThenFrozenSearchedD() {
    float[] x = new float[1001];
    for (int i = 0; i < x.length; i++) {
      x[i] = -2f + 4f * i / 1000f;
    }
    FixedPointQuantizer q = Quantizers.fixed(8).withDelay(3);
    try (TfStrategyHarness h =
        new TfStrategyHarness(SiteKind.WEIGHT, new long[] {x.length}, q, Pruner.none())) {
      assertEquals(0, h.runUpdates(2, x));
      assertArrayEquals(x, h.forward(x), 0f, "identity before t_q");
      // the d* search and, outside a model's phased steps, the run-time switch of SiteContext.from
      assertEquals(2, h.runUpdates(3, x));
      assertEquals(6.0, h.reports().get("d"), "SPEC §2: d*(linspace(-2, 2, 1001), N=8) = 6");
      float[] y = h.forward(x);
      for (int i = 0; i < x.length; i++) {
        assertEquals((float) FixedPoint.quantize(x[i], 8, 6, Rounding.TRUNCATE), y[i], 0f);
      }
      assertEquals(
          6, FixedPoint.searchFractionalBits(x, 8, 0, 20, Rounding.TRUNCATE), "host search agrees");
    }
  }

  @Test
  void activationSiteSearchesDOnTheBatch() {
    float[] batch = new float[2 * 1001];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = (i % 1001) / 1000f;
    }
    try (TfStrategyHarness h =
        new TfStrategyHarness(
            SiteKind.ACTIVATION, new long[] {1001}, Quantizers.fixed(8), Pruner.none())) {
      h.runUpdates(0, batch);
      assertEquals(7.0, h.reports().get("d"), "SPEC §2: d*(linspace(0, 1, 1001), 8) = 7");
    }
  }

  /**
   * The integer range is asymmetric: −4 = −128·2^−5 is exact at d = 5 with 8 bits, +4 is not (it
   * clips to 127·2^−5, 2^−5 short). With ±4 and 2^−5 in the tensor, every d from 0 to 5 costs the
   * same 2·(2^−5)² except d = 5 for −4, which costs nothing: d* = 5 for −4, and 0 (the first of the
   * ties) for +4. A search that clipped negatives at −127 (or positives at +128) gets one of them
   * wrong.
   */
  @Test
  void theSearchUsesTheAsymmetricRangeOnEachSide() {
    float[] neg = {-4f, 0.03125f, -4f, 0.03125f};
    float[] pos = {4f, 0.03125f, 4f, 0.03125f};
    int[] expected = {5, 0};
    float[][] cases = {neg, pos};
    for (int c = 0; c < 2; c++) {
      float[] x = cases[c];
      assertEquals(
          expected[c],
          FixedPoint.searchFractionalBits(x, 8, 0, 20, Rounding.TRUNCATE),
          "host search, case " + c);
      try (TfStrategyHarness h =
          new TfStrategyHarness(
              SiteKind.WEIGHT, new long[] {x.length}, Quantizers.fixed(8), Pruner.none())) {
        h.runUpdates(0, x);
        assertEquals((double) expected[c], h.reports().get("d"), "graph search, case " + c);
      }
    }
  }
}
