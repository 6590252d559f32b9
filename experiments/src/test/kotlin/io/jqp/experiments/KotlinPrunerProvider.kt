package io.jqp.experiments

import io.jqp.api.GraphOps
import io.jqp.api.Pruner
import io.jqp.api.PrunerProvider
import io.jqp.api.SiteContext
import io.jqp.api.StrategyOptions
import io.jqp.api.Tensor
import java.util.concurrent.atomic.AtomicInteger

/** A user's pruner written as a Kotlin class: zeroes entries whose magnitude is below a threshold. */
class ThresholdPruner(private val threshold: Double) : Pruner {
    override fun prune(ops: GraphOps, x: Tensor, ctx: SiteContext): Tensor {
        SITES.incrementAndGet()
        val keep = ops.greaterEqual(ops.abs(ops.stopGradient(x)), ops.constant(threshold))
        ctx.report("sparsity", ops.sub(ops.constant(1.0), ops.mean(keep, false)))
        return ops.mul(x, keep)
    }

    override fun toString() = "ThresholdPruner($threshold)"

    companion object {
        val SITES = AtomicInteger()
    }
}

class KotlinPrunerProvider : PrunerProvider {
    override fun id() = "test-threshold"
    override fun description() = "test: prunes |x| below a threshold"
    override fun options() = mapOf("sparsity" to "used as the threshold", "start" to "", "interval" to "", "repetitions" to "")
    override fun create(options: StrategyOptions): Pruner {
        options.requireKnown(options().keys)
        return ThresholdPruner(options.getDouble("sparsity", 0.01) / 10)
    }
}
