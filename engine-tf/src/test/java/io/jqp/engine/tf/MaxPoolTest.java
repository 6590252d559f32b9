package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.Recipe;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The max-pooling layer builds TensorFlow's {@code MaxPool} (attributes), which oneDNN's rewrite
 * takes, and trains with exactly the gradients of {@code tf.nn.maxPool}'s {@code MaxPoolV2}: the
 * same bits, where ReLU zeros and rounded values tie inside a window.
 */
class MaxPoolTest {

  /** conv → ReLU → values rounded to halves (ties) → pool → dense: one output for MSE. */
  private static TfModel model(boolean layer) {
    TfModelDef def =
        (n, x) -> {
          Ops tf = n.tf();
          Operand<TFloat32> c = n.relu(n.conv2d("c", x, 4, 3, 1, "SAME", true));
          // rounded forward, identity backward (Round has no gradient)
          Operand<TFloat32> rounded =
              tf.math.div(tf.math.round(tf.math.mul(c, tf.constant(2f))), tf.constant(2f));
          Operand<TFloat32> ties = tf.math.add(c, tf.stopGradient(tf.math.sub(rounded, c)));
          Operand<TFloat32> p =
              layer
                  ? n.maxPool(ties, 2, 2, "SAME")
                  : tf.nn.maxPool(
                      ties,
                      tf.constant(new int[] {1, 2, 2, 1}),
                      tf.constant(new int[] {1, 2, 2, 1}),
                      "SAME");
          Operand<TFloat32> flat = tf.reshape(p, tf.constant(new long[] {-1, 5 * 5 * 4}));
          return n.dense("d", flat, 1, true);
        };
    return TfModel.build(
        def,
        new long[] {9, 9, 2},
        Losses.MSE,
        0,
        Recipe.fullPrecision(),
        Optimizer.adam(LearningRate.constant(1e-3)),
        3,
        1,
        16,
        "pool");
  }

  @Test
  void sameGradientsAsMaxPoolV2WithTies() {
    Random r = new Random(5);
    float[] x = new float[16 * 9 * 9 * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 2);
    }
    float[] y = new float[16];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) r.nextGaussian();
    }
    TfModel.Batch batch = TfModel.Batch.regression(x, y, 16);
    try (TfModel attrs = model(true);
        TfModel tensors = model(false)) {
      java.util.Set<String> types = new java.util.HashSet<>();
      attrs.graph().operations().forEachRemaining(o -> types.add(((GraphOperation) o).type()));
      assertTrue(types.contains("MaxPool"), "the layer builds MaxPool");
      assertTrue(!types.contains("MaxPoolV2"), "and not MaxPoolV2");
      TfModel.LossAndGradients a = attrs.lossAndGradients(batch);
      TfModel.LossAndGradients b = tensors.lossAndGradients(batch);
      assertEquals(b.loss(), a.loss(), 0.0);
      assertEquals(b.gradients().keySet(), a.gradients().keySet());
      for (String v : a.gradients().keySet()) {
        assertArrayEquals(b.gradients().get(v), a.gradients().get(v), 0f, v);
      }
      float[] kernel = a.gradients().get("c/kernel");
      double norm = 0;
      for (float g : kernel) {
        norm += Math.abs(g);
      }
      assertTrue(norm > 0, "a gradient flows through the pool");
      for (int s = 0; s < 3; s++) {
        assertEquals(tensors.trainStep(batch), attrs.trainStep(batch), 0f, "step " + s);
      }
    }
  }
}
