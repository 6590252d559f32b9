package io.jqp.experiments

import io.jqp.api.JqpException
import io.jqp.api.Plugins
import io.jqp.experiments.run.Runner
import io.jqp.experiments.run.TrainConfig
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.StringSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/** Configs from Kotlin: `withX` copies for one-field variants, validation on construction. */
class TrainConfigSpec : StringSpec({
    "withX copies change one field" {
        val base = TrainConfig.defaults()
        val q = base.withBits(8).withSparsity(0.5)
        q.bits shouldBe 8
        q.sparsity shouldBe 0.5
        q.epochs shouldBe base.epochs
    }

    "a bad value names the field" {
        shouldThrow<JqpException> { TrainConfig.defaults().withEpochs(-3) }.message shouldBe "epochs: must be in [1, 10000], got -3"
    }

    "the recipe of a config comes from the plugins found by ServiceLoader" {
        val recipe = Runner(Plugins.load()).recipe(TrainConfig.defaults().withBits(6).withSparsity(0.25))
        recipe.weightQuantizer.toString() shouldBe "Quantizers.fixed(6)"
        recipe.activationQuantizer.toString() shouldBe "Quantizers.fixed(6)"
        recipe.weightPruner.toString() shouldContain "0.25"
        recipe.activationPruner.toString() shouldBe "Pruner.none()"
    }
})
