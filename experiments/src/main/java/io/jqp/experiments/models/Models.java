package io.jqp.experiments.models;

import io.jqp.api.JqpException;
import io.jqp.api.StrategyOptions;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.ModelProvider;
import io.jqp.engine.tf.TfModelDef;
import io.jqp.experiments.providers.Registry;
import java.util.List;
import java.util.Map;

/**
 * The model plugins visible to the thread's context class loader (the shipped ones and those of
 * plugin jars), found by {@link ServiceLoader}; ids are kebab-case and unique, an unknown id fails
 * naming the known ones.
 */
public final class Models {
  private static final Registry<ModelProvider> REGISTRY =
      new Registry<>(ModelProvider.class, "model", ModelProvider::id);

  private Models() {}

  /** Every model provider, by id. */
  public static Map<String, ModelProvider> all() {
    return REGISTRY.all();
  }

  /** The provider of a model id, or a one-line error naming the known ones. */
  public static ModelProvider byId(String id) {
    return REGISTRY.byId("model", id);
  }

  /**
   * Ids of the models that accept an input, {@code first} (a task's default) ahead of the others.
   */
  public static List<String> compatible(ModelInput input, String first) {
    List<String> ids = new java.util.ArrayList<>();
    if (all().containsKey(first)) {
      ids.add(first);
    }
    all().values().stream()
        .filter(p -> !p.id().equals(first) && p.accepts(input))
        .forEach(p -> ids.add(p.id()));
    return ids;
  }

  /**
   * Checks that a model exists, accepts the task's input and knows its options; fails naming the
   * field.
   */
  public static void check(String id, String task, ModelInput input, Map<String, Object> options) {
    ModelProvider p = byId(id);
    if (!p.accepts(input)) {
      throw new JqpException(
          "model: '"
              + id
              + "' does not accept the input of task "
              + task
              + " ("
              + input.kind()
              + " of "
              + input.sampleShape()
              + "); compatible: "
              + String.join(", ", compatible(input, "")));
    }
    // creating the architecture is cheap (no graph yet) and checks the options' values
    p.create(input, options(p, options).requireKnown(p.options().keySet()));
  }

  /** Builds a model for a task's input with its options. */
  public static TfModelDef create(String id, ModelInput input, Map<String, Object> options) {
    ModelProvider p = byId(id);
    return p.create(input, options(p, options).requireKnown(p.options().keySet()));
  }

  private static StrategyOptions options(ModelProvider p, Map<String, Object> options) {
    return new StrategyOptions("model '" + p.id() + "'", options);
  }
}
