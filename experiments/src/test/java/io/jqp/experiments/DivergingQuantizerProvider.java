package io.jqp.experiments;

import io.jqp.api.Quantizer;
import io.jqp.api.QuantizerProvider;
import io.jqp.api.StateVariable;
import io.jqp.api.StrategyOptions;
import java.util.Map;

/**
 * A test strategy that makes training diverge at step 2 (its state becomes NaN), to exercise
 * failure handling.
 */
public final class DivergingQuantizerProvider implements QuantizerProvider {
  @Override
  public String id() {
    return "test-diverge";
  }

  @Override
  public String description() {
    return "test: multiplies by a state that turns NaN at step 2";
  }

  @Override
  public Map<String, String> options() {
    return Map.of("bits", "ignored");
  }

  @Override
  public Quantizer create(StrategyOptions options) {
    return (ops, x, ctx) -> {
      StateVariable factor = ctx.state("factor", ops.constant(1));
      ctx.onUpdate(step -> step == 2, factor.assign(ops.div(ops.constant(0), ops.constant(0))));
      ctx.report("factor", factor.read());
      return ops.mul(x, factor.read());
    };
  }
}
