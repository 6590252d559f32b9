package io.jqp.experiments;

import io.jqp.api.Quantizer;
import io.jqp.api.QuantizerProvider;
import io.jqp.api.StrategyOptions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user's strategy written as a Java lambda: rounds to a grid of 1/16 with an identity
 * straight-through gradient.
 */
public final class LambdaQuantizerProvider implements QuantizerProvider {
  /** Sites the lambda was applied to, so a test can see it was really used. */
  public static final AtomicInteger SITES = new AtomicInteger();

  @Override
  public String id() {
    return "test-grid16";
  }

  @Override
  public String description() {
    return "test: rounds to multiples of 1/16";
  }

  @Override
  public Map<String, String> options() {
    return Map.of("bits", "ignored");
  }

  @Override
  public Quantizer create(StrategyOptions options) {
    return (ops, x, ctx) -> {
      SITES.incrementAndGet();
      ctx.report("bits", ops.constant(16));
      var q = ops.div(ops.round(ops.mul(x, ops.constant(16))), ops.constant(16));
      return ops.add(ops.stopGradient(q), ops.sub(x, ops.stopGradient(x)));
    };
  }
}
