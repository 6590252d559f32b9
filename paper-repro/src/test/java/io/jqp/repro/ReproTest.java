package io.jqp.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.JqpException;
import io.jqp.experiments.run.LayerOverride;
import io.jqp.experiments.run.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproTest {

  @Test
  void claimsAreJudgedAgainstTheNoiseOfTheSeeds() {
    Stats a = Stats.of(List.of(91.0, 91.2, 90.8));
    Stats b = Stats.of(List.of(89.0, 89.3, 88.9));
    assertEquals(91.0, a.mean(), 1e-9);
    assertEquals(0.2, a.std(), 1e-9);
    assertEquals("yes", Stats.greater(a, b));
    assertEquals("no", Stats.greater(b, a));
    assertEquals(
        "inconclusive",
        Stats.greater(Stats.of(List.of(90.0, 91.0, 89.0)), Stats.of(List.of(90.2, 89.5, 90.6))));
    assertEquals(
        "inconclusive (1 seed)", Stats.greater(Stats.of(List.of(95.0)), Stats.of(List.of(80.0))));
  }

  @Test
  void tablesHaveThePapersNumbersAndValidArms() {
    TrainConfig base = TrainConfig.defaults();
    TableSpec t4 = Tables.byId("table4");
    assertEquals(91.44, t4.arms().get(0).paperMetric());
    assertEquals(2.36, t4.arms().get(1).paperPd());
    TrainConfig pq = t4.arms().get(0).config().apply(base, Map.of());
    assertEquals("prune-then-quantize", pq.preset());
    assertTrue(pq.pruneActivations());
    assertEquals(
        List.of(92.60, 92.52, 75.83, 18.35),
        Tables.table1().arms().stream().map(TableSpec.Arm::paperMetric).toList());
    assertEquals(
        "unknown table 'table5'; known: table1, table2, table3, table4, table6, figure5, djpq",
        assertThrows(JqpException.class, () -> Tables.byId("table5")).getMessage());
    // super-resolution rows run the SR task with the paper's SR numbers
    TableSpec.Arm srQp = t4.arms().get(3);
    assertEquals("sr-x3", srQp.task());
    assertEquals(31.66, srQp.paperMetric());
    assertEquals(8.51, srQp.paperPd());
    TrainConfig srBase = base.copy(Map.of("task", "sr-x3"));
    assertEquals("quantize-then-prune", srQp.config().apply(srBase, Map.of()).preset());
    assertEquals(
        List.of(92.60, 92.52, 32.84, 32.68),
        Tables.table2().arms().stream().map(TableSpec.Arm::paperMetric).toList());
    // figure 5 sweeps T for activation pruning only: the quantizer's d* window stays at 64
    TableSpec f5 = Tables.figure5(false);
    assertEquals(List.of(1.0, 4.0, 16.0, 64.0), f5.arms().stream().map(TableSpec.Arm::x).toList());
    TrainConfig t1 = f5.arms().get(0).config().apply(srBase, Map.of());
    assertEquals(1, t1.window());
    assertEquals(64, t1.quantizerWindow());
  }

  @Test
  void theRetrainArmFixesEverySitesFinalD(@TempDir Path run) throws Exception {
    Files.writeString(
        run.resolve("layers.csv"),
        """
        name,layer,kind,layer_kind,bits,d,sparsity,numel,quantizer,pruner
        conv1/weight,conv1,weight,conv2d,8,6,0,288,"Quantizers.fixed(8).withDelay(749)","Pruner.none()"
        conv1/activation,conv1,activation,conv2d,8,5,0,25088,"Quantizers.fixed(8).withDelay(824)","Pruner.none()"
        fc2/weight,fc2,weight,dense,32,,0,1280,"Quantizer.identity()","Pruner.none()"
        """);
    List<LayerOverride> rules = Tables.finalD(run);
    assertEquals(2, rules.size(), "sites without d (full precision) keep the recipe");
    assertEquals(
        new LayerOverride("conv1", "activation", "fixed", Map.of("bits", 8, "d", 5), null, null),
        rules.get(1));
    TrainConfig retrain =
        Tables.table1()
            .arms()
            .get(3)
            .config()
            .apply(TrainConfig.defaults(), Map.of("delayed", run));
    assertEquals(2, retrain.overrides().size());
    assertEquals("none", retrain.preset());
  }

  @Test
  void table6RecomputesEveryPublishedPdFromBitsSparsityAndMemory(@TempDir Path none)
      throws Exception {
    assertTrue(Table6.allAgree());
    Table6.Published ours = Table6.published().get(3);
    assertEquals(9.2, ours.footprint().weightMegabits(), 1e-9);
    assertEquals(27.6, ours.footprint().activationMegabits(), 1e-9);
    assertEquals(2.49, ours.recomputedPd(), Table6.TOLERANCE);
    String md = Table6.markdown(none);
    assertTrue(md.contains("| 0.315 | 0.31 | yes |"), md);
    assertTrue(md.contains("| 2.485 | 2.49 | yes |"), md);
    assertTrue(md.contains("none at"), md);
  }
}
