package io.jqp.api

import io.kotest.core.spec.style.StringSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs

/** The SPI from Kotlin: strategies as lambdas, recipes as records with property access. */
class RecipeSpec : StringSpec({
    val roundAll = Quantizer { ops, x, _ -> ops.round(x) }
    val dropNothing = Pruner { _, x, _ -> x }
    val recipe = Recipe.fullPrecision()
        .withWeightQuantizer(roundAll)
        .withActivationQuantizer(roundAll)
        .withWeightPruner(dropNothing)

    fun site(index: Int, kind: SiteKind) = Site("layer$index", LayerKind.CONV2D, kind, listOf(3L, 3L), index, 4)

    "first and last layers are quantized but never pruned" {
        recipe.prunerFor(site(0, SiteKind.WEIGHT)) shouldBeSameInstanceAs Pruner.none()
        recipe.prunerFor(site(3, SiteKind.WEIGHT)) shouldBeSameInstanceAs Pruner.none()
        recipe.prunerFor(site(1, SiteKind.WEIGHT)) shouldBeSameInstanceAs dropNothing
        recipe.quantizerFor(site(0, SiteKind.ACTIVATION)) shouldBeSameInstanceAs roundAll
        recipe.withPruneFirstAndLast(true).prunerFor(site(0, SiteKind.WEIGHT)) shouldBeSameInstanceAs dropNothing
    }

    "records read as properties" {
        val s = site(1, SiteKind.ACTIVATION)
        s.name() shouldBe "layer1/activation"
        s.numel() shouldBe 9L
        recipe.pruneFirstAndLast shouldBe false
    }

    "a schedule is a Kotlin lambda" {
        val ramp = Schedule { step -> if (step < 100) 0.0 else 0.5 }
        ramp.valueAt(150) shouldBe 0.5
        ramp.updatesAt(100) shouldBe true
        ramp.updatesAt(101) shouldBe false
    }
})

/** Per-layer rules from Kotlin. */
class SiteRuleSpec : StringSpec({
    val base = Quantizer { ops, x, _ -> ops.round(x) }
    val four = Quantizer { ops, x, _ -> ops.floor(x) }
    val drop = Pruner { _, x, _ -> x }
    fun site(layer: String, index: Int, kind: SiteKind, lk: LayerKind = LayerKind.CONV2D) =
        Site(layer, lk, kind, listOf(2L), index, 4)

    val recipe = Recipe.fullPrecision().withWeightQuantizer(base).withActivationQuantizer(base)
        .withRule(SiteRule.layers("conv*").activations().quantizer(four))
        .withRule(SiteRule.layers("fc?").weights().ofKind(LayerKind.DENSE).pruner(drop))

    "a glob and a site kind select the sites" {
        recipe.quantizerFor(site("conv1", 0, SiteKind.ACTIVATION)) shouldBeSameInstanceAs four
        recipe.quantizerFor(site("conv1", 0, SiteKind.WEIGHT)) shouldBeSameInstanceAs base
        recipe.quantizerFor(site("fc1", 2, SiteKind.ACTIVATION, LayerKind.DENSE)) shouldBeSameInstanceAs base
    }

    "a rule may prune the last layer, which the recipe alone never does" {
        recipe.prunerFor(site("fc2", 3, SiteKind.WEIGHT, LayerKind.DENSE)) shouldBeSameInstanceAs drop
        recipe.prunerFor(site("fc2", 3, SiteKind.WEIGHT, LayerKind.CONV2D)) shouldBeSameInstanceAs Pruner.none()
    }

    "the last matching rule wins" {
        val later = recipe.withRule(SiteRule.layers("*").activations().quantizer(base))
        later.quantizerFor(site("conv2", 1, SiteKind.ACTIVATION)) shouldBeSameInstanceAs base
    }
})
