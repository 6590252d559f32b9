package io.jqp.experiments.models;

import io.jqp.api.StrategyOptions;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.ModelProvider;
import io.jqp.engine.tf.TfModelDef;
import java.util.List;

/**
 * {@code mobilenet-v2}: {@link MobileNetV2} on image classification; images smaller than 32×32 are
 * padded to it.
 */
public final class MobileNetV2Provider implements ModelProvider {
  @Override
  public String id() {
    return "mobilenet-v2";
  }

  @Override
  public String description() {
    return "MobileNetV2-style classifier (inverted residual blocks, depthwise convolutions); inputs padded to 32x32";
  }

  @Override
  public boolean accepts(ModelInput input) {
    return input.kind().equals(ModelInput.CLASSIFICATION) && input.isImage();
  }

  @Override
  public List<Long> inputShape(ModelInput input) {
    List<Long> s = input.sampleShape();
    return List.of(Math.max(32L, s.get(0)), Math.max(32L, s.get(1)), s.get(2));
  }

  @Override
  public TfModelDef create(ModelInput input, StrategyOptions options) {
    return new MobileNetV2(input.outputs());
  }
}
