package io.jqp.plugins.providers;

import io.jqp.api.Quantizer;
import io.jqp.api.QuantizerProvider;
import io.jqp.api.StrategyOptions;
import java.util.Map;

/**
 * Provides delayed quantization (JQP Eqs. 3–4) as {@code delayed}: identity until t_q, then d*
 * frozen ({@link io.jqp.plugins.FixedPointQuantizer}).
 */
public final class DelayedQuantizerProvider implements QuantizerProvider {
  @Override
  public String id() {
    return "delayed";
  }

  @Override
  public String description() {
    return "delayed fixed-point quantization (JQP Eqs. 3-4): identity until t_q, then d* by MSE over a window, frozen";
  }

  @Override
  public Map<String, String> options() {
    return FixedPointOptions.describe(1000, 0, 1);
  }

  @Override
  public Quantizer create(StrategyOptions o) {
    return FixedPointOptions.parse(o, options(), 1000, 0, 1);
  }
}
