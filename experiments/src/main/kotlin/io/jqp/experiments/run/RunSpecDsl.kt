package io.jqp.experiments.run

import kotlin.properties.ReadWriteProperty
import kotlin.reflect.KProperty

/** Marks the run-spec DSL's scopes, so an inner block cannot reach an outer one's keys by accident. */
@DslMarker
annotation class RunSpecDsl

/**
 * The run spec from Kotlin; it builds the same [RunSpec] as [RunSpec.builder] and a YAML file:
 * ```
 * val spec = runSpec {
 *     data { task = "fashion-mnist"; path = "/usr/share/datasets/fashion-mnist" }
 *     model("small-cnn", "width" to 2)
 *     optimization { epochs = 4; seed = 1 }
 *     quantization { bits = 8; quantizer("delayed") }
 *     pruning { sparsity = 0.5; activations = true; window = 64 }
 *     schedule { preset = "prune-then-quantize" }
 *     rule("conv2", site = "weight", quantizer = "fixed", "bits" to 4)
 * }
 * ```
 */
fun runSpec(block: RunSpecScope.() -> Unit): RunSpec {
    val scope = RunSpecScope(RunSpec.builder())
    scope.block()
    return scope.builder.build()
}

/** A section of the spec: its keys are properties that write their spec path. */
@RunSpecDsl
open class SectionScope internal constructor(internal val builder: RunSpecBuilder, private val section: String) {
    private val values = mutableMapOf<String, Any>()

    /** A property stored at `section.key` (read back what this block set). */
    protected fun <T : Any> key(key: String = ""): ReadWriteProperty<Any?, T> =
        object : ReadWriteProperty<Any?, T> {
            override fun getValue(thisRef: Any?, property: KProperty<*>): T {
                val name = key.ifEmpty { property.name }
                @Suppress("UNCHECKED_CAST")
                return (values[name] ?: error("$section.$name is not set in this block")) as T
            }

            override fun setValue(thisRef: Any?, property: KProperty<*>, value: T) {
                val name = key.ifEmpty { property.name }
                values[name] = value
                builder.set("$section.$name", value)
            }
        }
}

class DataScope internal constructor(b: RunSpecBuilder) : SectionScope(b, "data") {
    var task: String by key()
    var path: String by key()
    var trainLimit: Int by key()
    var testLimit: Int by key()
}

class OptimizationScope internal constructor(b: RunSpecBuilder) : SectionScope(b, "optimization") {
    var epochs: Int by key()
    var batchSize: Int by key()
    var learningRate: Double by key()
    var lrSchedule: String by key()
    var weightDecay: Double by key()
    var seed: Long by key()
    var threads: Int by key()
    var strategyLrScale: Double by key()

    fun optimizer(id: String) {
        builder.set("optimization.optimizer.id", id)
    }

    fun loss(id: String) {
        builder.set("optimization.loss.id", id)
    }
}

class QuantizationScope internal constructor(b: RunSpecBuilder) : SectionScope(b, "quantization") {
    var bits: Int by key()
    var window: Int by key()

    fun quantizer(id: String, vararg options: Pair<String, Any>) {
        builder.quantizer(id, mapOf(*options))
    }
}

class PruningScope internal constructor(b: RunSpecBuilder) : SectionScope(b, "pruning") {
    var sparsity: Double by key()
    var activations: Boolean by key()
    var window: Int by key()

    fun pruner(id: String, vararg options: Pair<String, Any>) {
        builder.set("pruning.pruner.id", id).set("pruning.pruner.options", mapOf(*options))
    }
}

class ScheduleScope internal constructor(b: RunSpecBuilder) : SectionScope(b, "schedule") {
    var preset: String by key()
    var weightDelay: Long by key()
    var activationDelay: Long by key()
    var pruneStart: Long by key()
    var pruneInterval: Long by key()
    var pruneRepetitions: Int by key()
}

class MethodScope internal constructor(b: RunSpecBuilder) : SectionScope(b, "method") {
    var id: String by key()
    var beta: Double by key()
    var gamma: Double by key()
    var powerOfTwo: Boolean by key()
}

class CheckpointsScope internal constructor(b: RunSpecBuilder) : SectionScope(b, "checkpoints") {
    var every: Int by key()
    var keep: Int by key()
}

/** The top level: one block per section, the model, and per-layer rules. */
@RunSpecDsl
class RunSpecScope internal constructor(internal val builder: RunSpecBuilder) {
    fun data(block: DataScope.() -> Unit) = DataScope(builder).block()

    fun model(id: String, vararg options: Pair<String, Any>) {
        builder.model(id, mapOf(*options))
    }

    fun optimization(block: OptimizationScope.() -> Unit) = OptimizationScope(builder).block()

    fun quantization(block: QuantizationScope.() -> Unit) = QuantizationScope(builder).block()

    fun pruning(block: PruningScope.() -> Unit) = PruningScope(builder).block()

    fun schedule(block: ScheduleScope.() -> Unit) = ScheduleScope(builder).block()

    fun method(block: MethodScope.() -> Unit) = MethodScope(builder).block()

    fun checkpoints(block: CheckpointsScope.() -> Unit) = CheckpointsScope(builder).block()

    /** A per-layer quantizer rule (the last matching rule wins). */
    fun rule(layers: String, site: String = "both", quantizer: String, vararg options: Pair<String, Any>) {
        builder.rule(layers, site, quantizer, mapOf(*options))
    }

    /** A per-layer pruner rule (the last matching rule wins). */
    fun pruningRule(layers: String, site: String = "both", pruner: String, vararg options: Pair<String, Any>) {
        builder.pruningRule(layers, site, pruner, mapOf(*options))
    }
}
