package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.jqp.api.Recipe;
import io.jqp.plugins.Pruners;
import io.jqp.plugins.Quantizers;
import io.jqp.plugins.ZhuGuptaSchedule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A strategy costs nothing before it acts: the model trains one step per phase of its schedules,
 * and before the first switch the step is exactly the full-precision one (same ops, same numbers).
 */
class PhasedStepTest {

  /** Pruning acts from t_p + Δ = 4 (Zhu–Gupta is 0 before), quantization from t_q = 6. */
  static Recipe delayed() {
    return Recipe.fullPrecision()
        .withWeightQuantizer(Quantizers.fixed(8).withDelay(6))
        .withActivationQuantizer(Quantizers.fixed(8).withDelay(6))
        .withWeightPruner(Pruners.magnitude(new ZhuGuptaSchedule(2, 2, 1, 0.5)))
        .withPruneFirstAndLast(true);
  }

  static Optimizer adam() {
    return Optimizer.adam(LearningRate.constant(0.01));
  }

  @Test
  void phasesStartWhereTransformsSwitchOn() {
    try (TfModel m = TrainingTest.model(delayed(), adam())) {
      assertEquals(List.of(4L, 6L), List.copyOf(m.phaseStarts()));
    }
    try (TfModel m = TrainingTest.model(Recipe.fullPrecision(), adam())) {
      assertEquals(List.of(), List.copyOf(m.phaseStarts()));
    }
  }

  @Test
  void beforeTheFirstSwitchTheStepIsTheFullPrecisionStep() {
    TfModel.Batch batch = TrainingTest.data(64, 3);
    try (TfModel fp = TrainingTest.model(Recipe.fullPrecision(), adam());
        TfModel jq = TrainingTest.model(delayed(), adam())) {
      TfProfile fpOps = new TfProfile(1);
      TfProfile jqOps = new TfProfile(1);
      for (int step = 0; step < 4; step++) {
        // step 0 runs the mask updates (sparsity 0 yet) before the step: trace the others
        fp.profile(step == 0 ? null : fpOps);
        jq.profile(step == 0 ? null : jqOps);
        assertEquals(fp.trainStep(batch), jq.trainStep(batch), 0f, "loss at step " + step);
      }
      assertEquals(types(fpOps), types(jqOps), "the same kernels run before any switch");
      StepTimeline.Split t = fpOps.timeline();
      assertEquals(t.wall(), t.idle() + t.alone() + t.together(), "the split adds up to the wall");
      assertEquals(fpOps.wallMillisPerStep() * fpOps.steps(), t.wall() / 1000.0, 1e-9);
      assertEquals(t.ops(), jqOps.timeline().ops(), "the same ops in both steps");
      assertEquals(fp.variableValues().get("fc1/kernel").values().length, 96);
      assertEquals(
          java.util.Arrays.toString(fp.variableValues().get("fc1/kernel").values()),
          java.util.Arrays.toString(jq.variableValues().get("fc1/kernel").values()),
          "bit-identical weights after the identity phase");
      for (int step = 4; step < 8; step++) {
        fp.trainStep(batch);
        jq.trainStep(batch);
      }
      assertNotEquals(
          java.util.Arrays.toString(fp.variableValues().get("fc1/kernel").values()),
          java.util.Arrays.toString(jq.variableValues().get("fc1/kernel").values()),
          "pruning and quantization act from their steps on");
      double sparsity =
          jq.siteReports().stream()
              .filter(r -> r.site().name().equals("fc1/weight"))
              .findFirst()
              .orElseThrow()
              .values()
              .get("sparsity");
      assertEquals(0.5, sparsity, 1e-9);
    }
  }

  private static Set<String> types(TfProfile p) {
    Set<String> s = new TreeSet<>();
    for (TfProfile.Row r : p.byType()) {
      s.add(r.name());
    }
    return s;
  }
}
