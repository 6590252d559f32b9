package org.example.jqp

import io.jqp.api.GraphOps
import io.jqp.api.Quantizer
import io.jqp.api.QuantizerProvider
import io.jqp.api.SiteContext
import io.jqp.api.StrategyOptions
import io.jqp.api.Tensor

/**
 * Ternary weights (Li & Liu, "Ternary Weight Networks"): x -> alpha * sign(x) where |x| >= delta, else 0, with
 * delta = ratio * mean|x| and alpha = mean|x|; straight-through gradient. Reports 2 bits.
 */
class TernaryQuantizer(private val ratio: Double) : Quantizer {
    override fun quantize(ops: GraphOps, x: Tensor, ctx: SiteContext): Tensor {
        val magnitude = ops.mean(ops.abs(ops.stopGradient(x)), false)
        val keep = ops.greaterEqual(ops.abs(ops.stopGradient(x)), ops.mul(magnitude, ops.constant(ratio)))
        val q = ops.mul(ops.mul(ops.sign(x), keep), magnitude)
        ctx.report("bits", ops.constant(2.0))
        // forward: q; backward: identity (straight-through)
        return ops.add(ops.stopGradient(ops.sub(q, x)), x)
    }

    override fun toString() = "ternary(ratio=$ratio)"
}

/** `ternary`: the Kotlin quantizer above; `mapOf(... to ...)` needs the Kotlin standard library at run time. */
class TernaryQuantizerProvider : QuantizerProvider {
    override fun id() = "ternary"

    override fun description() = "example (Kotlin): ternary weights alpha*{-1,0,1}, threshold ratio*mean|x|"

    override fun options(): Map<String, String> = mapOf("ratio" to "0.7 — threshold as a fraction of mean|x|, in (0, 3)")

    override fun create(options: StrategyOptions): Quantizer {
        options.requireKnown(options().keys)
        val ratio = options.getDouble("ratio", 0.7)
        require(ratio > 0 && ratio < 3) { "ratio: must be in (0, 3), got $ratio" }
        return TernaryQuantizer(ratio)
    }
}
