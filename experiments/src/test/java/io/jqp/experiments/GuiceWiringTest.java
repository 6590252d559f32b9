package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.name.Names;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.util.Modules;
import io.jqp.api.Quantizer;
import io.jqp.experiments.run.TrainConfig;
import io.jqp.experiments.wiring.ArmModule;
import io.jqp.experiments.wiring.Experiment;
import io.jqp.experiments.wiring.Roles;
import io.jqp.experiments.wiring.StrategiesModule;
import io.jqp.experiments.wiring.SwapModule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Module wiring checked without building a model. */
class GuiceWiringTest {
  static final TrainConfig BASE =
      TrainConfig.defaults().withBits(8).withSparsity(0.5).withPruneActivations(true);

  @Test
  void eachArmModuleBindsOnlyItsConfig() {
    List<Element> elements = Elements.getElements(Stage.TOOL, ArmModule.pruneThenQuantize(BASE));
    assertEquals(1, elements.size(), elements.toString());
  }

  @Test
  void theGuiceRoleNamesAreTheSpecsRoleNames() {
    assertEquals(
        TrainConfig.ROLES,
        List.of(
            Roles.WEIGHT_QUANTIZER,
            Roles.WEIGHT_PRUNER,
            Roles.ACTIVATION_QUANTIZER,
            Roles.ACTIVATION_PRUNER));
  }

  @Test
  void aSwapByIdIsRecordedInTheArmsConfig() {
    Experiment e =
        Guice.createInjector(
                Modules.override(ArmModule.quantizeThenPrune(BASE), new StrategiesModule())
                    .with(
                        SwapModule.pruner(
                            Roles.WEIGHT_PRUNER, "magnitude", Map.of("sparsity", 0.25))))
            .getInstance(Experiment.class);
    assertEquals(
        Map.of(
            Roles.WEIGHT_PRUNER,
            new io.jqp.experiments.run.RunSpec.Strategy("magnitude", Map.of("sparsity", 0.25))),
        e.config().roles());
    assertTrue(
        Guice.createInjector(ArmModule.quantizeThenPrune(BASE), new StrategiesModule())
            .getInstance(Experiment.class)
            .config()
            .roles()
            .isEmpty(),
        "an arm without swaps records no roles");
  }

  @Test
  void theWholeWiringValidatesInToolStage() {
    Guice.createInjector(
        Stage.TOOL,
        Modules.override(ArmModule.fp32(BASE), new StrategiesModule())
            .with(SwapModule.quantizer(Roles.WEIGHT_QUANTIZER, "delayed", Map.of())));
  }

  @Test
  void armsWireTheirRecipes() {
    Experiment pq =
        Guice.createInjector(ArmModule.pruneThenQuantize(BASE), new StrategiesModule())
            .getInstance(Experiment.class);
    Experiment qp =
        Guice.createInjector(ArmModule.quantizeThenPrune(BASE), new StrategiesModule())
            .getInstance(Experiment.class);
    Experiment fp =
        Guice.createInjector(ArmModule.fp32(BASE), new StrategiesModule())
            .getInstance(Experiment.class);
    assertEquals("prune-then-quantize", pq.config().preset());
    assertTrue(
        pq.recipe().weightQuantizer().toString().contains("withDelay(1722)"),
        pq.recipe().weightQuantizer().toString());
    assertTrue(
        qp.recipe().weightQuantizer().toString().contains("withDelay(749)"),
        qp.recipe().weightQuantizer().toString());
    assertTrue(pq.recipe().activationPruner().toString().startsWith("Pruners.windowed("));
    assertEquals("Quantizer.identity()", fp.recipe().activationQuantizer().toString());
  }

  @Test
  void aStrategyIsSwappedByIdWithoutCodeChanges() {
    var swapped =
        Modules.override(ArmModule.quantizeThenPrune(BASE), new StrategiesModule())
            .with(
                SwapModule.quantizer(
                    Roles.ACTIVATION_QUANTIZER,
                    "saturated",
                    Map.of("bits", 8, "delay", 824, "window", 2048)));
    Experiment e = Guice.createInjector(swapped).getInstance(Experiment.class);
    assertEquals(
        "Quantizers.fixed(8).withDelay(824).withWindow(2048).saturated(1.0E-4, 0.9999)",
        e.recipe().activationQuantizer().toString());
    assertTrue(
        e.recipe().weightQuantizer().toString().contains("withDelay(749)"),
        "the other roles are untouched");
    Quantizer direct =
        Guice.createInjector(swapped)
            .getInstance(Key.get(Quantizer.class, Names.named(Roles.ACTIVATION_QUANTIZER)));
    assertEquals(e.recipe().activationQuantizer(), direct);
  }

  @Test
  void aSwapKeepsTheConfigsRulesCostsAndFirstLastRule() {
    TrainConfig withRule =
        BASE.copy(
            Map.of(
                "overrides",
                List.of(
                    new io.jqp.experiments.run.LayerOverride(
                        "conv2", "weight", "fixed", Map.of("bits", 4), null, null))));
    var swapped =
        Modules.override(ArmModule.quantizeThenPrune(withRule), new StrategiesModule())
            .with(SwapModule.quantizer(Roles.ACTIVATION_QUANTIZER, "saturated", Map.of("bits", 8)));
    io.jqp.api.Recipe r = Guice.createInjector(swapped).getInstance(Experiment.class).recipe();
    assertEquals(1, r.rules().size(), "the per-layer override survives the swap");
    assertTrue(r.activationQuantizer().toString().contains("saturated"));
    Experiment djpq =
        Guice.createInjector(
                Modules.override(
                        ArmModule.fp32(TrainConfig.defaults().copy(Map.of("method", "djpq"))),
                        new StrategiesModule())
                    .with(SwapModule.quantizer(Roles.WEIGHT_QUANTIZER, "fixed", Map.of("bits", 8))))
            .getInstance(Experiment.class);
    assertEquals(1, djpq.recipe().costs().size(), "DJPQ's BOPs cost survives the swap");
    assertTrue(djpq.recipe().pruneFirstAndLast(), "and so does DJPQ's first/last-layer rule");
  }

  @Test
  void anUnknownIdFailsNamingTheKnownIds() {
    var swapped =
        Modules.override(ArmModule.fp32(BASE), new StrategiesModule())
            .with(SwapModule.pruner(Roles.WEIGHT_PRUNER, "magnitde", Map.of()));
    ProvisionException e =
        assertThrows(
            ProvisionException.class,
            () -> Guice.createInjector(swapped).getInstance(Experiment.class));
    assertTrue(
        e.getMessage().contains("unknown pruner 'magnitde'; known: magnitude"), e.getMessage());
  }
}
