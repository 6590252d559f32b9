package io.jqp.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's paired ratios and their Student's t interval. */
class RatioIntervalTest {

  @Test
  void pairsEachRoundWithItsOwnBaseline() {
    // ratios 1.0, 1.1, 1.2: mean 1.1, std 0.1; t(0.975, 2 df) = 4.302653 (tables), half 0.248414
    RatioInterval r = RatioInterval.of(List.of(10.0, 22.0, 36.0), List.of(10.0, 20.0, 30.0));
    assertEquals(3, r.rounds());
    assertEquals(List.of(1.0, 1.1, 1.2), r.perRound().stream().map(v -> round6(v)).toList());
    assertEquals(1.1, r.mean(), 1e-12);
    assertEquals(0.1, r.std(), 1e-12);
    assertEquals(1.1 - 0.248414, r.low(), 1e-6);
    assertEquals(1.1 + 0.248414, r.high(), 1e-6);
    assertEquals("1.100× [0.852, 1.348]", r.markdown());
    assertTrue(r.below(1.35));
    assertFalse(r.below(1.05), "a target inside the interval is not met beyond the noise");
  }

  @Test
  void manyTightRoundsSettleATarget() {
    // ten rounds at 1.02 ± 0.01: t(0.975, 9) = 2.262157, so the upper end is well below 1.05
    List<Double> base =
        List.of(100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0);
    List<Double> arm =
        List.of(101.0, 103.0, 101.0, 103.0, 101.0, 103.0, 101.0, 103.0, 101.0, 103.0);
    RatioInterval r = RatioInterval.of(arm, base);
    double std = Math.sqrt(10 * 0.0001 / 9);
    assertEquals(1.02, r.mean(), 1e-12);
    assertEquals(std, r.std(), 1e-12);
    assertEquals(1.02 + 2.262157 * std / Math.sqrt(10), r.high(), 1e-6);
    assertTrue(r.below(1.05));
  }

  @Test
  void aBaselineAgainstItselfIsExactlyOne() {
    List<Double> t = List.of(80.5, 70.6, 72.8, 75.8, 84.0, 74.0, 72.8, 86.1, 89.4, 79.6);
    RatioInterval r = RatioInterval.of(t, t);
    assertEquals(1.0, r.mean(), 0.0);
    assertEquals(0.0, r.std(), 0.0);
    assertEquals("1.000× [1.000, 1.000]", r.markdown());
  }

  @Test
  void oneRoundHasNoInterval() {
    RatioInterval r = RatioInterval.of(List.of(3.0), List.of(2.0));
    assertEquals(1.5, r.mean(), 0);
    assertTrue(Double.isNaN(r.low()) && Double.isNaN(r.high()) && Double.isNaN(r.std()));
    assertFalse(r.below(2.0), "one round cannot show a target met beyond the noise");
    assertEquals("1.500× (1 round: no interval)", r.markdown());
  }

  @Test
  void unpairedOrZeroTimingsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> RatioInterval.of(List.of(1.0), List.of(1.0, 2.0)));
    assertThrows(IllegalArgumentException.class, () -> RatioInterval.of(List.of(), List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> RatioInterval.of(List.of(1.0), List.of(0.0)));
  }

  private static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
