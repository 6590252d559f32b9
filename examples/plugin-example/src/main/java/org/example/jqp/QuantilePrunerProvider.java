package org.example.jqp;

import io.jqp.api.GraphOps;
import io.jqp.api.JqpException;
import io.jqp.api.Pruner;
import io.jqp.api.PrunerProvider;
import io.jqp.api.SiteContext;
import io.jqp.api.StrategyOptions;
import io.jqp.api.Tensor;
import java.util.Map;

/**
 * {@code quantile}: a Java pruner that keeps, at every step, the entries whose magnitude is at or above the
 * tensor's {@code sparsity}-quantile of magnitudes (no mask state, no schedule), and reports the measured sparsity.
 */
public final class QuantilePrunerProvider implements PrunerProvider {
  @Override
  public String id() {
    return "quantile";
  }

  @Override
  public String description() {
    return "example (Java): keeps |x| at or above its sparsity-quantile, recomputed every step";
  }

  @Override
  public Map<String, String> options() {
    return Map.of("sparsity", "0.5 — fraction of entries zeroed, in [0, 1)");
  }

  @Override
  public Pruner create(StrategyOptions options) {
    options.requireKnown(options().keySet());
    double sparsity = options.getDouble("sparsity", 0.5);
    if (sparsity < 0 || sparsity >= 1) {
      throw new JqpException("sparsity: must be in [0, 1), got " + sparsity + " (pruner 'quantile')");
    }
    return new QuantilePruner(sparsity);
  }

  /** The pruner; its {@code toString()} is what logs and layers.csv show. */
  record QuantilePruner(double sparsity) implements Pruner {
    @Override
    public Tensor prune(GraphOps ops, Tensor x, SiteContext ctx) {
      Tensor magnitude = ops.abs(ops.stopGradient(x));
      Tensor keep = ops.greaterEqual(magnitude, ops.quantile(magnitude, sparsity));
      ctx.report("sparsity", ops.sub(ops.constant(1.0), ops.mean(keep, false)));
      return ops.mul(x, keep);
    }

    @Override
    public String toString() {
      return "quantile(" + sparsity + ")";
    }
  }
}
