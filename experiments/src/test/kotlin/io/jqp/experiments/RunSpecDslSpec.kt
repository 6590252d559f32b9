package io.jqp.experiments

import io.jqp.experiments.run.RunSpec
import io.jqp.experiments.run.runSpec
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** The Kotlin DSL builds the same spec as the Java builder (and so as RunSpecTest's YAML file). */
class RunSpecDslSpec : FunSpec({
    test("the DSL, the builder and the file agree") {
        val dsl = runSpec {
            model("small-cnn", "width" to 2)
            optimization { epochs = 2; seed = 3 }
            quantization { bits = 8; quantizer("delayed") }
            pruning { sparsity = 0.5; activations = true; window = 64 }
            schedule { preset = "prune-then-quantize" }
            rule("conv2", site = "weight", quantizer = "fixed", "bits" to 4)
        }
        val built = RunSpec.builder().model("small-cnn", mapOf("width" to 2)).epochs(2).seed(3).bits(8)
            .quantizer("delayed").sparsity(0.5).pruneActivations(true).window(64)
            .preset("prune-then-quantize").rule("conv2", "weight", "fixed", mapOf("bits" to 4)).build()
        dsl shouldBe built
        dsl.quantization.bits shouldBe 8
        dsl.pruning.window shouldBe 64
    }
})
