package io.jqp.repro

import io.jqp.api.Quantizer
import io.jqp.api.Recipe
import io.jqp.api.SiteRule
import io.jqp.engine.tf.LearningRate
import io.jqp.engine.tf.Optimizer
import io.jqp.engine.tf.TfMultiNetwork
import io.jqp.plugins.Quantizers
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** The README's Kotlin snippets, compiled and run (ReadmeSnippetsTest checks the README holds them verbatim). */
class ReadmeSnippetsSpec : FunSpec({
    test("a strategy of your own from Kotlin") {
        // readme:kotlin
        // A quantizer is a functional interface: round to a grid of 1/16, straight-through gradient.
        val grid16 = Quantizer.named("grid16") { ops, x, ctx ->
            ctx.report("bits", ops.constant(32.0))
            val q = ops.div(ops.round(ops.mul(x, ops.constant(16.0))), ops.constant(16.0))
            ops.add(ops.stopGradient(q), ops.sub(x, ops.stopGradient(x)))
        }
        val recipe = Recipe.fullPrecision()
            .withActivationQuantizer(grid16)
            .withRule(SiteRule.layers("conv*").weights().quantizer(Quantizers.fixed(4)))   // per-layer rule
        // readme:end
        recipe.activationQuantizer.toString() shouldBe "grid16"
    }

    test("two networks, two optimizers") {
        // readme:gan
        val gan = TfMultiNetwork.build({ b ->
            val z = b.input("z", 4)
            val g = b.network("generator", Recipe.fullPrecision().withWeightQuantizer(Quantizers.fixed(8)))
            val fake = g.dense("g2", g.relu(g.activationSite("g1", g.dense("g1", z, 16, true))), 1, true)
            val d = b.network("discriminator", Recipe.fullPrecision())
            val real = b.input("real", 1)
            val logits = d.dense("d2", d.relu(d.dense("d1", b.tf().concat(listOf(real, fake), b.tf().constant(0)), 16, true)), 1, true)
            val (realLogits, fakeLogits) = b.tf().split(b.tf().constant(0), logits, 2L).toList()
            val softplus = { t: org.tensorflow.Operand<org.tensorflow.types.TFloat32> -> b.tf().math.log1p(b.tf().math.exp(t)) }
            val dLoss = b.tf().math.mean(b.tf().math.add(softplus(b.tf().math.neg(realLogits)), softplus(fakeLogits)), b.tf().constant(intArrayOf(0, 1)))
            val gLoss = b.tf().math.mean(softplus(b.tf().math.neg(fakeLogits)), b.tf().constant(intArrayOf(0, 1)))
            b.step("discriminator", dLoss, Optimizer.adam(LearningRate.constant(2e-3)), d)
            b.step("generator", gLoss, Optimizer.adam(LearningRate.constant(2e-3)), g)
            b.output("fake", fake)
        }, /* seed */ 1, /* threads */ 1, /* batch */ 8, "toy-gan")
        gan.use {
            val feeds = mapOf("z" to FloatArray(8 * 4) { 0.1f * it }, "real" to FloatArray(8) { 3f })
            for (i in 0 until 3) {
                gan.run("discriminator", 8, feeds)                  // the order of the steps is yours
                gan.run("generator", 8, feeds)
            }
        }
        // readme:end
        gan.count("generator") shouldBe 3L
    }
})
