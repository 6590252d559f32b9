package io.jqp.engine.tf;

import io.jqp.api.StrategyOptions;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** The shipped losses and their providers (also the shipped optimizers' providers). */
public final class Losses {
  private Losses() {}

  /** Softmax cross-entropy on integer labels; counts correct arg-max predictions. */
  public static final TfLoss SOFTMAX_CROSS_ENTROPY =
      new TfLoss() {
        @Override
        public boolean classification() {
          return true;
        }

        @Override
        public Operand<TFloat32> loss(
            Ops tf, Operand<TFloat32> output, Operand<TInt32> labels, Operand<TFloat32> targets) {
          int classes = (int) output.shape().get(1);
          Operand<TFloat32> oneHot =
              tf.oneHot(labels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
          return tf.math.mean(
              tf.nn.softmaxCrossEntropyWithLogits(output, oneHot).loss(), tf.constant(0));
        }

        @Override
        public Operand<TFloat32> correct(Ops tf, Operand<TFloat32> output, Operand<TInt32> labels) {
          Operand<TInt64> predicted = tf.math.argMax(output, tf.constant(1));
          return tf.sum(
              tf.dtypes.cast(
                  tf.math.equal(predicted, tf.dtypes.cast(labels, TInt64.class)), TFloat32.class),
              tf.constant(0));
        }

        @Override
        public String toString() {
          return "softmax-cross-entropy";
        }
      };

  /** Mean squared error over every output value. */
  public static final TfLoss MSE = new Regression("mse", false);

  /** Mean absolute error over every output value. */
  public static final TfLoss L1 = new Regression("l1", true);

  private record Regression(String id, boolean absolute) implements TfLoss {
    @Override
    public boolean classification() {
      return false;
    }

    @Override
    public Operand<TFloat32> loss(
        Ops tf, Operand<TFloat32> output, Operand<TInt32> labels, Operand<TFloat32> targets) {
      Operand<TFloat32> d =
          absolute
              ? tf.math.abs(tf.math.sub(output, targets))
              : tf.math.squaredDifference(output, targets);
      return tf.math.mean(
          d, TfTrainStep.allAxes(tf, output.shape().numDimensions()), Mean.keepDims(false));
    }

    @Override
    public String toString() {
      return id;
    }
  }

  private abstract static class Shipped implements LossProvider {
    private final String id;
    private final String description;
    private final TfLoss loss;

    Shipped(String id, String description, TfLoss loss) {
      this.id = id;
      this.description = description;
      this.loss = loss;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public String description() {
      return description;
    }

    @Override
    public TfLoss create(StrategyOptions options) {
      options.requireKnown(options().keySet());
      return loss;
    }
  }

  /** {@code softmax-cross-entropy}. */
  public static final class SoftmaxCrossEntropyProvider extends Shipped {
    public SoftmaxCrossEntropyProvider() {
      super(
          "softmax-cross-entropy",
          "softmax cross-entropy on class labels (classification)",
          SOFTMAX_CROSS_ENTROPY);
    }
  }

  /** {@code mse}. */
  public static final class MseProvider extends Shipped {
    public MseProvider() {
      super("mse", "mean squared error against target values (regression, super-resolution)", MSE);
    }
  }

  /** {@code l1}. */
  public static final class L1Provider extends Shipped {
    public L1Provider() {
      super("l1", "mean absolute error against target values (regression, super-resolution)", L1);
    }
  }

  /** {@code adam}: Adam with β1, β2 and ε as options. */
  public static final class AdamProvider implements OptimizerProvider {
    @Override
    public String id() {
      return "adam";
    }

    @Override
    public String description() {
      return "Adam (Kingma and Ba), TensorFlow's fused kernel";
    }

    @Override
    public Map<String, String> options() {
      return Map.of(
          "beta1", "0.9 — in [0, 1)", "beta2", "0.999 — in [0, 1)", "epsilon", "1e-7 — > 0");
    }

    @Override
    public Optimizer.UpdateRule create(StrategyOptions options) {
      options.requireKnown(options().keySet());
      return new Optimizer.Adam(
          options.getDouble("beta1", 0.9),
          options.getDouble("beta2", 0.999),
          options.getDouble("epsilon", 1e-7));
    }
  }

  /** {@code sgd}: SGD with momentum. */
  public static final class SgdProvider implements OptimizerProvider {
    @Override
    public String id() {
      return "sgd";
    }

    @Override
    public String description() {
      return "stochastic gradient descent with momentum";
    }

    @Override
    public Map<String, String> options() {
      return Map.of("momentum", "0.9 — in [0, 1), 0 = plain SGD");
    }

    @Override
    public Optimizer.UpdateRule create(StrategyOptions options) {
      options.requireKnown(options().keySet());
      return new Optimizer.Sgd(options.getDouble("momentum", 0.9));
    }
  }
}
