package io.jqp.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shipped strategies are found by ServiceLoader and configured by id, with strict options. */
class ProvidersTest {
  private final Plugins plugins = Plugins.load();

  @Test
  void serviceLoaderFindsTheShippedIds() {
    assertEquals(Set.of("fixed", "delayed", "saturated", "djpq"), plugins.quantizers().keySet());
    assertEquals(Set.of("magnitude", "windowed", "vib-gate"), plugins.pruners().keySet());
    assertEquals(
        Set.of("constant", "zhu-gupta", "polynomial", "step"), plugins.schedules().keySet());
    assertEquals(Set.of("bops"), plugins.costTerms().keySet());
  }

  @Test
  void djpqIsThreePluginsThatBuildWhatItsPresetsUse() {
    assertEquals(
        new io.jqp.plugins.djpq.DjpqQuantizer(6, 2, 16, true, 100),
        plugins.quantizer("djpq", Map.of("bits", 6, "power-of-two", true, "delay", 100)));
    assertEquals(
        new io.jqp.plugins.djpq.VibGate(1e-4, 0, 1, -3, 50),
        plugins.pruner("vib-gate", Map.of("gamma", 1e-4, "log-sigma2-init", -3, "freeze-at", 50)));
    assertEquals(
        new io.jqp.plugins.djpq.BopsCost(2, 8), plugins.costTerm("bops", Map.of("beta", 2)));
    assertEquals(
        "djpq: bits must satisfy 2 <= minBits <= maxBits <= 16, got 2..20",
        assertThrows(JqpException.class, () -> plugins.quantizer("djpq", Map.of("max-bits", 20)))
            .getMessage());
    assertEquals(
        "unknown option 'betta' for cost term 'bops'; known: beta, input-bits",
        assertThrows(JqpException.class, () -> plugins.costTerm("bops", Map.of("betta", 1)))
            .getMessage());
  }

  @Test
  void toStringIsTheBuildingExpression() {
    assertEquals(
        "Quantizers.fixed(4).withFractionalBits(2).withRounding(HALF_EVEN)",
        plugins.quantizer("fixed", Map.of("bits", 4, "d", 2, "rounding", "half-even")).toString());
    assertEquals("Quantizers.fixed(8)", plugins.quantizer("fixed", Map.of()).toString());
    assertEquals(
        "Pruners.magnitude(Schedule.constant(0.25))",
        plugins.pruner("magnitude", Map.of("sparsity", 0.25)).toString());
    assertEquals(
        plugins.quantizer("fixed", Map.of("bits", 6, "delay", 100)),
        Quantizers.fixed(6).withDelay(100));
  }

  @Test
  void badOptionsFailWithOneLine() {
    assertEquals(
        "bits must be in [2, 32], got 1",
        assertThrows(JqpException.class, () -> plugins.quantizer("fixed", Map.of("bits", 1)))
            .getMessage());
    assertEquals(
        "sparsity must be in [0, 1), got 1.0",
        assertThrows(JqpException.class, () -> plugins.pruner("magnitude", Map.of("sparsity", 1)))
            .getMessage());
    assertEquals(
        "option 'gradient' of quantizer 'fixed' must be one of clipped, identity, zero-saturated, got 'smooth'",
        assertThrows(
                JqpException.class, () -> plugins.quantizer("fixed", Map.of("gradient", "smooth")))
            .getMessage());
    assertEquals(
        "d search range [5, 5) is empty; set d-low < d-high",
        assertThrows(
                JqpException.class,
                () -> plugins.quantizer("fixed", Map.of("d-low", 5, "d-high", 5)))
            .getMessage());
  }

  @Test
  void prunedCountIsFloorOfSTimesN() {
    assertEquals(50, MagnitudePruner.prunedCount(0.5, 101));
    assertEquals(29, MagnitudePruner.prunedCount(0.29, 100));
    assertEquals(0, MagnitudePruner.prunedCount(0, 100));
    assertEquals(9, MagnitudePruner.prunedCount(0.99, 10));
  }
}
