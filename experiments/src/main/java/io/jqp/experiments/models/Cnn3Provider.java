package io.jqp.experiments.models;

import io.jqp.api.StrategyOptions;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.ModelProvider;
import io.jqp.engine.tf.TfModelDef;
import java.util.Map;

/**
 * {@code cnn3}: three 3×3 conv blocks (16, 32, 64 filters; batch norm, activation site, ReLU, 2×2
 * max-pool each), fc 128 (batch norm, activation site, ReLU), fc classes: the net of the PyTorch
 * twin ({@code scripts/pytorch-twin}).
 */
public final class Cnn3Provider implements ModelProvider {
  @Override
  public String id() {
    return "cnn3";
  }

  @Override
  public String description() {
    return "three 3x3 conv blocks (16, 32, 64 filters, BN, ReLU, max-pool), fc 128, fc classes";
  }

  @Override
  public boolean accepts(ModelInput input) {
    return input.kind().equals(ModelInput.CLASSIFICATION) && input.isImage();
  }

  @Override
  public Map<String, String> options() {
    return Map.of();
  }

  @Override
  public TfModelDef create(ModelInput input, StrategyOptions options) {
    return new SmallCnn(input.outputs(), 1, new int[] {16, 32, 64});
  }
}
