package io.jqp.engine.tf;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * An optimizer: an update rule (Adam, SGD with momentum, or one of a user's, see {@link
 * UpdateRule}), a learning-rate schedule, L2 weight decay added to the gradient of kernels (not
 * biases or BN parameters), and the learning rate of strategies' own parameters relative to the
 * weights'.
 *
 * @param rule how a gradient updates a variable
 * @param rate learning-rate schedule
 * @param weightDecay L2 coefficient, &gt;= 0
 * @param strategyRateScale the learning rate of strategies' parameters (e.g. DJPQ's step, range and
 *     gates) relative to the weights', &gt; 0
 */
public record Optimizer(
    UpdateRule rule, LearningRate rate, double weightDecay, double strategyRateScale) {

  /**
   * How a gradient updates one variable, in the graph. {@link #apply} is called once per trainable
   * variable of a training step; {@link #finish} once per step with every apply (e.g. Adam's β
   * powers advance after them). Rules keep their state in slot variables, which checkpoints hold
   * with the weights.
   */
  public interface UpdateRule {
    /**
     * The op applying {@code gradient} to {@code variable} at {@code rate}; {@code slots} makes its
     * state. The ops {@code tf} builds wait for every gradient of the step.
     */
    Op apply(
        Ops tf,
        Variable<TFloat32> variable,
        Operand<TFloat32> gradient,
        Operand<TFloat32> rate,
        Slots slots);

    /** Ops that run after every apply of a step. */
    default List<Op> finish(Ops tf, List<Op> applies, Slots slots) {
      return List.of();
    }
  }

  /**
   * Slot variables of an update rule: per variable (checkpointed as {@code
   * optimizer/<variable>/<name>}) or per step.
   */
  public interface Slots {
    /**
     * A slot shaped like the variable being updated, every entry {@code initial}, created on first
     * use.
     */
    Variable<TFloat32> slot(String name, float initial);

    /**
     * A scalar slot shared by every variable of the step (e.g. Adam's β1^t), created on first use.
     */
    Variable<TFloat32> shared(String name, float initial);
  }

  public Optimizer {
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    if (!(strategyRateScale > 0)) {
      throw new IllegalArgumentException(
          "strategy rate scale must be > 0, got " + strategyRateScale);
    }
  }

  /** Adam (β1 0.9, β2 0.999, ε 1e-7). */
  public static Optimizer adam(LearningRate rate) {
    return new Optimizer(new Adam(0.9, 0.999, 1e-7), rate, 0, 1);
  }

  /** SGD with momentum (0 = plain) and L2 weight decay. */
  public static Optimizer sgd(LearningRate rate, double momentum, double weightDecay) {
    return new Optimizer(new Sgd(momentum), rate, weightDecay, 1);
  }

  public Optimizer withWeightDecay(double wd) {
    return new Optimizer(rule, rate, wd, strategyRateScale);
  }

  public Optimizer withRate(LearningRate r) {
    return new Optimizer(rule, r, weightDecay, strategyRateScale);
  }

  public Optimizer withStrategyRateScale(double scale) {
    return new Optimizer(rule, rate, weightDecay, scale);
  }

  /** Adam (Kingma and Ba), TensorFlow's fused kernel. */
  public record Adam(double beta1, double beta2, double epsilon) implements UpdateRule {
    public Adam {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
        throw new IllegalArgumentException("Adam needs beta1, beta2 in [0, 1) and epsilon > 0");
      }
    }

    @Override
    public Op apply(
        Ops tf,
        Variable<TFloat32> variable,
        Operand<TFloat32> gradient,
        Operand<TFloat32> rate,
        Slots slots) {
      Variable<TFloat32> beta1Power = slots.shared("beta1_power", (float) beta1);
      Variable<TFloat32> beta2Power = slots.shared("beta2_power", (float) beta2);
      Variable<TFloat32> m = slots.slot("m", 0f);
      Variable<TFloat32> v = slots.slot("v", 0f);
      return tf.train.applyAdam(
          variable,
          m,
          v,
          beta1Power,
          beta2Power,
          rate,
          tf.constant((float) beta1),
          tf.constant((float) beta2),
          tf.constant((float) epsilon),
          gradient);
    }

    @Override
    public List<Op> finish(Ops tf, List<Op> applies, Slots slots) {
      Variable<TFloat32> beta1Power = slots.shared("beta1_power", (float) beta1);
      Variable<TFloat32> beta2Power = slots.shared("beta2_power", (float) beta2);
      Ops after = tf.withControlDependencies(applies);
      return List.of(
          after.assign(beta1Power, after.math.mul(beta1Power, after.constant((float) beta1))),
          after.assign(beta2Power, after.math.mul(beta2Power, after.constant((float) beta2))));
    }
  }

  /** Stochastic gradient descent, with momentum when it is &gt; 0. */
  public record Sgd(double momentum) implements UpdateRule {
    public Sgd {
      if (!(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
      }
    }

    @Override
    public Op apply(
        Ops tf,
        Variable<TFloat32> variable,
        Operand<TFloat32> gradient,
        Operand<TFloat32> rate,
        Slots slots) {
      if (momentum > 0) {
        Variable<TFloat32> acc = slots.slot("momentum", 0f);
        return tf.train.applyMomentum(variable, acc, rate, gradient, tf.constant((float) momentum));
      }
      return tf.train.applyGradientDescent(variable, rate, gradient);
    }
  }
}
