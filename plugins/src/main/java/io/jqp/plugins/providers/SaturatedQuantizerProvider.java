package io.jqp.plugins.providers;

import io.jqp.api.Quantizer;
import io.jqp.api.QuantizerProvider;
import io.jqp.api.StrategyOptions;
import java.util.Map;

/**
 * Provides saturated delayed quantization (JQP Eqs. 5–7) as {@code saturated}: quantile clipping
 * before the d* search.
 */
public final class SaturatedQuantizerProvider implements QuantizerProvider {
  @Override
  public String id() {
    return "saturated";
  }

  @Override
  public String description() {
    return "saturated delayed quantization (JQP Eqs. 5-7): the window is clipped to its quantiles before the d* search";
  }

  @Override
  public Map<String, String> options() {
    return FixedPointOptions.describe(1000, 0.0001, 0.9999);
  }

  @Override
  public Quantizer create(StrategyOptions o) {
    return FixedPointOptions.parse(o, options(), 1000, 0.0001, 0.9999);
  }
}
