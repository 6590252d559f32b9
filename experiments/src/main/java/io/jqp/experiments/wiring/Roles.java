package io.jqp.experiments.wiring;

/**
 * The names strategies are bound under; a config's {@code roles} uses the same names ({@link
 * io.jqp.experiments.run.TrainConfig#ROLES}).
 */
public final class Roles {
  private Roles() {}

  public static final String WEIGHT_QUANTIZER = "weight-quantizer";
  public static final String WEIGHT_PRUNER = "weight-pruner";
  public static final String ACTIVATION_QUANTIZER = "activation-quantizer";
  public static final String ACTIVATION_PRUNER = "activation-pruner";
}
