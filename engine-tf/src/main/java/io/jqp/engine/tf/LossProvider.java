package io.jqp.engine.tf;

import io.jqp.api.StrategyOptions;
import java.util.Map;

/**
 * A loss plugin, found by {@link java.util.ServiceLoader} (register it in {@code
 * META-INF/services/io.jqp.engine.tf.LossProvider}); {@code loss: <id>} in a run config chooses one
 * (the task's default otherwise).
 */
public interface LossProvider {
  /** Stable kebab-case id used in configs. */
  String id();

  String description();

  /** Option names mapped to "default — meaning" text; only these are passed to {@link #create}. */
  default Map<String, String> options() {
    return Map.of();
  }

  TfLoss create(StrategyOptions options);
}
