package io.jqp.engine.tf;

/**
 * Learning rate as a pure function of the step, evaluated on the host and fed to the graph.
 *
 * @param kind constant, step (multiply by {@code gamma} every {@code stepSize} steps) or cosine
 *     (from {@code base} to 0 over {@code totalSteps})
 * @param base initial rate, &gt; 0
 * @param stepSize steps between decays (step kind)
 * @param gamma decay factor (step kind), in (0, 1]
 * @param totalSteps length of the cosine schedule
 */
public record LearningRate(Kind kind, double base, long stepSize, double gamma, long totalSteps) {

  public enum Kind {
    CONSTANT,
    STEP,
    COSINE
  }

  public LearningRate {
    if (!(base > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + base);
    }
    if (kind == Kind.STEP && (stepSize < 1 || !(gamma > 0 && gamma <= 1))) {
      throw new IllegalArgumentException(
          "step schedule needs stepSize >= 1 and gamma in (0, 1], got " + stepSize + ", " + gamma);
    }
    if (kind == Kind.COSINE && totalSteps < 1) {
      throw new IllegalArgumentException(
          "cosine schedule needs totalSteps >= 1, got " + totalSteps);
    }
  }

  public static LearningRate constant(double base) {
    return new LearningRate(Kind.CONSTANT, base, 1, 1, 1);
  }

  public static LearningRate step(double base, long stepSize, double gamma) {
    return new LearningRate(Kind.STEP, base, stepSize, gamma, 1);
  }

  public static LearningRate cosine(double base, long totalSteps) {
    return new LearningRate(Kind.COSINE, base, 1, 1, totalSteps);
  }

  public double at(long step) {
    return switch (kind) {
      case CONSTANT -> base;
      case STEP -> base * Math.pow(gamma, step / stepSize);
      case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * Math.min(step, totalSteps) / totalSteps));
    };
  }
}
