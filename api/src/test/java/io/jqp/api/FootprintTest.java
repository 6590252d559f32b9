package io.jqp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8 checked against the paper's Table 6 (MobileNetV2, CIFAR-10: 2.3 M weights, 6.9 M
 * activations).
 */
class FootprintTest {
  static Footprint of(double wBits, double wSparsity, double aBits, double aSparsity) {
    return new Footprint(
        List.of(
            new Footprint.Entry("w", SiteKind.WEIGHT, 2_300_000, wBits, wSparsity),
            new Footprint.Entry("a", SiteKind.ACTIVATION, 6_900_000, aBits, aSparsity)));
  }

  @Test
  void fullPrecisionBaseline() {
    Footprint f = of(32, 0, 32, 0);
    assertEquals(73.6, f.weightMegabits(), 1e-9);
    assertEquals(220.8, f.activationMegabits(), 1e-9);
    assertEquals(0.31, f.performanceDensity(92.60), 0.005);
  }

  @Test
  void eightBitHalfPruned() {
    Footprint f = of(8, 0.5, 8, 0.5);
    assertEquals(9.19, f.weightMegabits(), 0.01);
    assertEquals(27.60, f.activationMegabits(), 1e-9);
    assertEquals(55.20, of(8, 0.5, 8, 0).activationMegabits(), 1e-9);
    assertEquals(2.49, f.performanceDensity(91.44), 0.01);
  }
}
