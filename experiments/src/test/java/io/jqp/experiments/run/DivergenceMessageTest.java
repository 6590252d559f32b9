package io.jqp.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jqp.api.Recipe;
import io.jqp.engine.tf.LearningRate;
import io.jqp.engine.tf.Optimizer;
import io.jqp.engine.tf.TfModel;
import io.jqp.engine.tf.TfModelDef;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step whose loss is finite but whose gradient is not is reported with the parameter, the step
 * and what stays.
 */
class DivergenceMessageTest {

  @Test
  void aNonFiniteGradientNamesTheParameterAndStep(@TempDir Path out) {
    // sqrt(relu(h)) has a NaN gradient wherever h <= 0 while its outputs stay finite
    TfModelDef def =
        (n, x) -> n.dense("fc2", n.tf().math.sqrt(n.relu(n.dense("fc1", x, 8, false))), 3, true);
    Random r = new Random(1);
    float[] x = new float[32 * 6];
    int[] y = new int[32];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    try (TfModel m =
        TfModel.build(
            def,
            new long[] {6},
            io.jqp.engine.tf.Losses.SOFTMAX_CROSS_ENTROPY,
            3,
            Recipe.fullPrecision(),
            Optimizer.sgd(LearningRate.constant(0.01), 0, 0),
            42,
            1,
            32,
            "sqrt")) {
      float loss = m.trainStep(TfModel.Batch.classification(x, y));
      assertEquals(
          "training diverged at step 0: loss is "
              + loss
              + "; first non-finite gradient is that of fc1/kernel; "
              + "no checkpoint was written; lower learningRate",
          Divergence.message(m, loss, out));
    }
  }
}
