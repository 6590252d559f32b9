package io.jqp.engine.tf;

/**
 * Optimizer settings. Weight decay is L2 added to the gradient of kernels (not biases or BN parameters).
 *
 * @param kind        SGD (with momentum; 0 = plain) or Adam
 * @param rate        learning-rate schedule
 * @param momentum    SGD momentum in [0, 1)
 * @param weightDecay L2 coefficient, &gt;= 0
 * @param beta1       Adam β1 in [0, 1)
 * @param beta2       Adam β2 in [0, 1)
 * @param epsilon     Adam ε &gt; 0
 * @param strategyRateScale the learning rate of strategies' own parameters (e.g. DJPQ's step, range and gates)
 *                    relative to the weights', &gt; 0
 */
public record Optimizer(Kind kind, LearningRate rate, double momentum, double weightDecay, double beta1, double beta2, double epsilon,
    double strategyRateScale) {

  public enum Kind { SGD, ADAM }

  public Optimizer {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException("Adam needs beta1, beta2 in [0, 1) and epsilon > 0");
    }
    if (!(strategyRateScale > 0)) {
      throw new IllegalArgumentException("strategy rate scale must be > 0, got " + strategyRateScale);
    }
  }

  public static Optimizer adam(LearningRate rate) {
    return new Optimizer(Kind.ADAM, rate, 0, 0, 0.9, 0.999, 1e-7, 1);
  }

  public static Optimizer sgd(LearningRate rate, double momentum, double weightDecay) {
    return new Optimizer(Kind.SGD, rate, momentum, weightDecay, 0.9, 0.999, 1e-7, 1);
  }

  public Optimizer withWeightDecay(double wd) {
    return new Optimizer(kind, rate, momentum, wd, beta1, beta2, epsilon, strategyRateScale);
  }

  public Optimizer withRate(LearningRate r) {
    return new Optimizer(kind, r, momentum, weightDecay, beta1, beta2, epsilon, strategyRateScale);
  }

  public Optimizer withStrategyRateScale(double scale) {
    return new Optimizer(kind, rate, momentum, weightDecay, beta1, beta2, epsilon, scale);
  }
}
