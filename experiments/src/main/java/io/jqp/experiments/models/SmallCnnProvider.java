package io.jqp.experiments.models;

import io.jqp.api.JqpException;
import io.jqp.api.StrategyOptions;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.ModelProvider;
import io.jqp.engine.tf.TfModelDef;
import java.util.Map;

/** {@code small-cnn}: {@link SmallCnn} on any image classification task. */
public final class SmallCnnProvider implements ModelProvider {
  @Override
  public String id() {
    return "small-cnn";
  }

  @Override
  public String description() {
    return "two 3x3 conv blocks (32, 64 filters, BN, ReLU, max-pool), fc 128, fc classes";
  }

  @Override
  public boolean accepts(ModelInput input) {
    return input.kind().equals(ModelInput.CLASSIFICATION) && input.isImage();
  }

  @Override
  public Map<String, String> options() {
    return Map.of(
        "width", "1 — multiplier on every layer's filters and units (whole number, 1..8)");
  }

  @Override
  public TfModelDef create(ModelInput input, StrategyOptions options) {
    int width = options.getInt("width", 1);
    if (width < 1 || width > 8) {
      throw new JqpException(
          "modelOptions.width: must be in [1, 8], got " + width + " (model 'small-cnn')");
    }
    return new SmallCnn(input.outputs(), width);
  }
}
