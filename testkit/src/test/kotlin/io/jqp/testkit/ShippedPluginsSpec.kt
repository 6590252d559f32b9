package io.jqp.testkit

import io.jqp.api.Plugins
import io.kotest.core.spec.style.FunSpec

/** The contracts through the Kotest factories, on plugins created by id as a config would create them. */
class ShippedPluginsSpec : FunSpec({
    val plugins = Plugins.load()
    include(quantizerContract("delayed by id", plugins.quantizer("delayed", mapOf("bits" to 8, "delay" to 6, "window" to 8))))
    include(quantizerContract("saturated by id", plugins.quantizer("saturated", mapOf("bits" to 6, "delay" to 2))))
    include(prunerContract("magnitude by id", plugins.pruner("magnitude", mapOf("sparsity" to 0.5, "start" to 2, "interval" to 2, "repetitions" to 3))))
    include(prunerContract("windowed by id", plugins.pruner("windowed", mapOf("sparsity" to 0.5, "window" to 8, "start" to 4, "interval" to 2, "repetitions" to 2)), weights = false))
    include(scheduleContract("zhu-gupta by id", plugins.schedule("zhu-gupta", mapOf("start" to 10, "interval" to 5))))
})
