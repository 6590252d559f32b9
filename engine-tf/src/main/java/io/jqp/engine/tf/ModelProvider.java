package io.jqp.engine.tf;

import io.jqp.api.StrategyOptions;
import java.util.List;
import java.util.Map;

/**
 * A model plugin, found by {@link java.util.ServiceLoader} (register it in {@code
 * META-INF/services/io.jqp.engine.tf.ModelProvider}): any task trains any model that {@link
 * #accepts} the task's {@link ModelInput}. Implementations are {@code public final}, no-arg and
 * cheap, like strategy providers; {@code model: <id>} and {@code modelOptions: {...}} in a run
 * config choose and configure one.
 */
public interface ModelProvider {

  /** Stable kebab-case id used in configs (e.g. {@code small-cnn}). */
  String id();

  /** One sentence for {@code list-plugins}. */
  String description();

  /** Whether this model can be trained on a task with this input (kind, shape, outputs). */
  boolean accepts(ModelInput input);

  /**
   * Option names mapped to "default — meaning" text, in display order; only these are passed to
   * {@link #create}.
   */
  default Map<String, String> options() {
    return Map.of();
  }

  /**
   * The input shape the model is built for, given the task's (e.g. 28×28 padded to 32×32); the task
   * pads its images to it. The default is the task's shape.
   */
  default List<Long> inputShape(ModelInput input) {
    return input.sampleShape();
  }

  /**
   * Builds the architecture; rejects unknown options and out-of-range values with a one-line
   * message.
   */
  TfModelDef create(ModelInput input, StrategyOptions options);
}
