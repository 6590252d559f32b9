package io.jqp.plugins.providers;

import io.jqp.api.Quantizer;
import io.jqp.api.QuantizerProvider;
import io.jqp.api.StrategyOptions;
import io.jqp.plugins.FixedPointQuantizer;
import java.util.Map;

/**
 * Provides {@link FixedPointQuantizer} as {@code fixed}: on from step 0, d given or searched on the
 * first batch.
 */
public final class FixedPointQuantizerProvider implements QuantizerProvider {
  @Override
  public String id() {
    return "fixed";
  }

  @Override
  public String description() {
    return "uniform fixed-point quantizer (JQP Eq. 1), straight-through gradient; d given, or searched by MSE on the first batch";
  }

  @Override
  public Map<String, String> options() {
    return FixedPointOptions.describe(0, 0, 1);
  }

  @Override
  public Quantizer create(StrategyOptions o) {
    return FixedPointOptions.parse(o, options(), 0, 0, 1);
  }
}
