package io.jqp.experiments.models;

import io.jqp.api.StrategyOptions;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.ModelProvider;
import io.jqp.engine.tf.TfModelDef;

/** {@code espcn}: {@link Espcn} on image-to-image (super-resolution) tasks, at the task's scale. */
public final class EspcnProvider implements ModelProvider {
  @Override
  public String id() {
    return "espcn";
  }

  @Override
  public String description() {
    return "ESPCN super-resolution (5x5 64, 3x3 32, 3x3 scale^2 filters, depth-to-space)";
  }

  @Override
  public boolean accepts(ModelInput input) {
    return input.kind().equals(ModelInput.IMAGE_TO_IMAGE)
        && input.isImage()
        && input.channels() == 1
        && input.outputs() >= 2
        && input.outputs() <= 4;
  }

  @Override
  public TfModelDef create(ModelInput input, StrategyOptions options) {
    return new Espcn(input.outputs());
  }
}
