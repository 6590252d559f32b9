package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.Recipe;
import io.jqp.api.StrategyOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Losses and optimizers are open: a user's update rule and loss train a model; the shipped ones are
 * plugins.
 */
class OpenEngineTest {

  private static List<Float> losses(TfLoss loss, Optimizer opt, int steps) {
    List<Float> out = new ArrayList<>();
    try (TfModel m =
        TfModel.build(
            TrainingTest.TINY,
            new long[] {6},
            loss,
            3,
            Recipe.fullPrecision(),
            opt,
            42,
            1,
            64,
            "open")) {
      TfModel.Batch b = TrainingTest.data(64, 5);
      for (int i = 0; i < steps; i++) {
        out.add(m.trainStep(b));
      }
    }
    return out;
  }

  @Test
  void theShippedProvidersAreFoundAndBuildTheSameSteps() {
    TreeSet<String> losses = new TreeSet<>();
    ServiceLoader.load(LossProvider.class).forEach(p -> losses.add(p.id()));
    TreeSet<String> optimizers = new TreeSet<>();
    ServiceLoader.load(OptimizerProvider.class).forEach(p -> optimizers.add(p.id()));
    assertEquals(List.of("l1", "mse", "softmax-cross-entropy"), List.copyOf(losses));
    assertEquals(List.of("adam", "sgd"), List.copyOf(optimizers));
    Optimizer.UpdateRule adam =
        new Losses.AdamProvider().create(new StrategyOptions("optimizer 'adam'", Map.of()));
    LearningRate rate = LearningRate.constant(1e-2);
    assertEquals(
        losses(Losses.SOFTMAX_CROSS_ENTROPY, Optimizer.adam(rate), 5),
        losses(io.jqp.engine.tf.Losses.SOFTMAX_CROSS_ENTROPY, new Optimizer(adam, rate, 0, 1), 5),
        "the provider's Adam is Optimizer.adam, bit for bit");
  }

  @Test
  void aUsersUpdateRuleAndLossTrainAModel() {
    // sign-SGD: w -= rate * sign(g), with a per-variable step counter as a slot (state lives in the
    // graph)
    Optimizer.UpdateRule signSgd =
        new Optimizer.UpdateRule() {
          @Override
          public Op apply(
              Ops tf,
              Variable<TFloat32> variable,
              Operand<TFloat32> gradient,
              Operand<TFloat32> rate,
              Optimizer.Slots slots) {
            Variable<TFloat32> seen = slots.slot("seen", 0f);
            Op count = tf.assignAdd(seen, tf.onesLike(seen));
            return tf.withControlDependencies(List.of(count))
                .assignSub(variable, tf.math.mul(rate, tf.math.sign(gradient)));
          }
        };
    // a user's classification loss: multi-class hinge on the logits
    TfLoss hinge =
        new TfLoss() {
          @Override
          public boolean classification() {
            return true;
          }

          @Override
          public Operand<TFloat32> loss(
              Ops tf, Operand<TFloat32> output, Operand<TInt32> labels, Operand<TFloat32> targets) {
            Operand<TFloat32> oneHot =
                tf.oneHot(labels, tf.constant(3), tf.constant(1f), tf.constant(0f));
            Operand<TFloat32> target =
                tf.sum(
                    tf.math.mul(output, oneHot),
                    tf.constant(1),
                    org.tensorflow.op.core.Sum.keepDims(true));
            Operand<TFloat32> margins =
                tf.nn.relu(
                    tf.math.add(tf.math.sub(output, target), tf.math.sub(tf.constant(1f), oneHot)));
            return tf.math.mean(tf.sum(margins, tf.constant(1)), tf.constant(0));
          }
        };
    List<Float> l = losses(hinge, new Optimizer(signSgd, LearningRate.constant(1e-2), 0, 1), 30);
    assertTrue(l.get(29) < 0.5 * l.get(0), "the hinge loss falls under sign-SGD: " + l);
  }
}
