package io.jqp.experiments.wiring;

import com.google.inject.AbstractModule;
import io.jqp.experiments.run.TrainConfig;

/** One ablation arm: binds its run config. Each factory is one arm of the ordering study. */
public final class ArmModule extends AbstractModule {
  private final String name;
  private final TrainConfig config;

  private ArmModule(String name, TrainConfig config) {
    this.name = name;
    this.config = config;
  }

  /** Full precision, nothing pruned. */
  public static ArmModule fp32(TrainConfig base) {
    return new ArmModule(
        "fp32",
        base.copy(
            java.util.Map.<String, Object>of(
                "bits", 32, "sparsity", 0.0, "pruneActivations", false, "preset", "none")));
  }

  /** The paper's P→Q schedule (t_p &lt; t_q), scaled to the base config's epochs. */
  public static ArmModule pruneThenQuantize(TrainConfig base) {
    return new ArmModule("prune-then-quantize", base.withPreset("prune-then-quantize"));
  }

  /** The paper's Q→P schedule (t_q &lt; t_p), scaled to the base config's epochs. */
  public static ArmModule quantizeThenPrune(TrainConfig base) {
    return new ArmModule("quantize-then-prune", base.withPreset("quantize-then-prune"));
  }

  public String name() {
    return name;
  }

  @Override
  protected void configure() {
    bind(TrainConfig.class).toInstance(config);
  }

  @Override
  public String toString() {
    return "ArmModule(" + name + ")";
  }
}
