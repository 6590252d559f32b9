package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jqp.api.Recipe;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Output shapes of every layer, and train/eval behaviour of batch norm and dropout. */
class LayersTest {

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  /**
   * Builds a regression model around {@code layer} and returns the static output shape and one
   * prediction's size.
   */
  private static long[] shapeOf(
      long[] in, BiFunction<TfNetwork, Operand<TFloat32>, Operand<TFloat32>> layer) {
    TfModelDef def = layer::apply;
    try (TfModel m =
        TfModel.build(
            def,
            in,
            io.jqp.engine.tf.Losses.MSE,
            0,
            Recipe.fullPrecision(),
            Optimizer.adam(LearningRate.constant(1e-3)),
            1,
            1,
            2,
            "t")) {
      int per = 1;
      for (long d : in) {
        per *= (int) d;
      }
      float[] out = m.predict(random(2 * per, 1), 2);
      long[] predicted = m.predictShape();
      assertEquals(
          out.length, 2 * java.util.Arrays.stream(predicted).skip(1).reduce(1, (a, b) -> a * b));
      return java.util.Arrays.copyOfRange(predicted, 1, predicted.length);
    }
  }

  @Test
  void convolutionShapes() {
    assertArrayEquals(
        new long[] {8, 8, 4},
        shapeOf(new long[] {8, 8, 3}, (n, x) -> n.conv2d("c", x, 4, 3, 1, "SAME", true)));
    assertArrayEquals(
        new long[] {4, 4, 4},
        shapeOf(new long[] {8, 8, 3}, (n, x) -> n.conv2d("c", x, 4, 3, 2, "same", false)));
    assertArrayEquals(
        new long[] {6, 6, 4},
        shapeOf(new long[] {8, 8, 3}, (n, x) -> n.conv2d("c", x, 4, 3, 1, "VALID", false)));
    assertArrayEquals(
        new long[] {4, 4, 3},
        shapeOf(new long[] {8, 8, 3}, (n, x) -> n.depthwiseConv2d("d", x, 3, 2, "SAME", true)));
    assertArrayEquals(
        new long[] {16, 16, 5},
        shapeOf(new long[] {8, 8, 3}, (n, x) -> n.transposedConv2d("t", x, 5, 3, 2, "SAME", true)));
    assertArrayEquals(
        new long[] {17, 17, 5},
        shapeOf(
            new long[] {8, 8, 3}, (n, x) -> n.transposedConv2d("t", x, 5, 3, 2, "VALID", false)));
  }

  @Test
  void otherLayerShapes() {
    assertArrayEquals(new long[] {7}, shapeOf(new long[] {5}, (n, x) -> n.dense("fc", x, 7, true)));
    assertArrayEquals(
        new long[] {16, 16, 1},
        shapeOf(
            new long[] {8, 8, 9},
            (n, x) -> n.depthToSpace(n.conv2d("c", x, 4, 1, 1, "SAME", false), 2)));
    assertArrayEquals(
        new long[] {4, 4, 3},
        shapeOf(
            new long[] {8, 8, 3},
            (n, x) -> n.maxPool(n.conv2d("c", x, 3, 1, 1, "SAME", false), 2, 2, "SAME")));
    assertArrayEquals(
        new long[] {3, 3, 3},
        shapeOf(
            new long[] {8, 8, 3},
            (n, x) -> n.avgPool(n.conv2d("c", x, 3, 1, 1, "SAME", false), 3, 2, "VALID")));
    assertArrayEquals(
        new long[] {3},
        shapeOf(
            new long[] {8, 8, 3},
            (n, x) -> n.globalAvgPool(n.conv2d("c", x, 3, 1, 1, "SAME", false))));
    assertArrayEquals(
        new long[] {192},
        shapeOf(
            new long[] {8, 8, 3}, (n, x) -> n.flatten(n.conv2d("c", x, 3, 1, 1, "SAME", false))));
    assertArrayEquals(
        new long[] {8, 8, 3},
        shapeOf(
            new long[] {8, 8, 3},
            (n, x) -> {
              Operand<TFloat32> y = n.batchNorm("bn", n.conv2d("c", x, 3, 3, 1, "SAME", false));
              return n.add(n.relu6(y), n.add(n.tanh(y), n.leakyRelu(n.relu(y), 0.2f)));
            }));
    assertArrayEquals(
        new long[] {4},
        shapeOf(new long[] {4}, (n, x) -> n.dropout(n.dense("fc", x, 4, false), 0.5f)));
  }

  @Test
  void batchNormUsesMovingAveragesAndDropoutIsIdentityInEvaluation() {
    TfModelDef def = (n, x) -> n.dropout(n.batchNorm("bn", n.dense("fc", x, 3, false)), 0.5f);
    try (TfModel m =
        TfModel.build(
            def,
            new long[] {4},
            io.jqp.engine.tf.Losses.MSE,
            0,
            Recipe.fullPrecision(),
            Optimizer.sgd(LearningRate.constant(1e-9), 0, 0),
            1,
            1,
            8,
            "t")) {
      float[] x = random(8 * 4, 2);
      float[] a = m.predict(x, 8);
      float[] b = m.predict(x, 8);
      assertArrayEquals(a, b, 0f, "evaluation is deterministic (no dropout, no batch statistics)");
      // Evaluation with fresh moving averages (mean 0, variance 1) is fc(x)/sqrt(1 + eps):
      // independent of other samples.
      float[] first = m.predict(java.util.Arrays.copyOf(x, 4), 1);
      assertArrayEquals(java.util.Arrays.copyOf(a, 3), first, 1e-6f);
      m.trainStep(TfModel.Batch.regression(x, new float[8 * 3], 8));
      float[] c = m.predict(x, 8);
      assertEquals(
          false, java.util.Arrays.equals(a, c), "a training step moves the moving averages");
    }
  }
}
