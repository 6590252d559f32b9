package io.jqp.engine.tf;

import io.jqp.api.StrategyOptions;
import java.util.Map;

/**
 * An optimizer plugin, found by {@link java.util.ServiceLoader} (register it in {@code
 * META-INF/services/io.jqp.engine.tf.OptimizerProvider}): {@code optimizer: <id>} in a run config
 * chooses it. It makes the {@link Optimizer.UpdateRule}; the run adds the learning-rate schedule,
 * weight decay and the strategies' rate scale.
 */
public interface OptimizerProvider {
  /** Stable kebab-case id used in configs. */
  String id();

  String description();

  /** Option names mapped to "default — meaning" text; only these are passed to {@link #create}. */
  default Map<String, String> options() {
    return Map.of();
  }

  Optimizer.UpdateRule create(StrategyOptions options);
}
