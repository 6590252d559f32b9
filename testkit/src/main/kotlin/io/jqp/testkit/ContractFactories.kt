package io.jqp.testkit

import io.jqp.api.Pruner
import io.jqp.api.Quantizer
import io.jqp.api.Schedule
import io.jqp.api.SiteKind
import io.kotest.core.spec.style.funSpec

/** Kotest factory of the quantizer contract: `include(quantizerContract("delayed", q))`. */
fun quantizerContract(name: String, quantizer: Quantizer, steps: Long = 16) = funSpec {
    test("$name: quantizer contract at weight sites") { Contracts.quantizer(quantizer, SiteKind.WEIGHT, steps) }
    test("$name: quantizer contract at activation sites") { Contracts.quantizer(quantizer, SiteKind.ACTIVATION, steps) }
}

/** Kotest factory of the pruner contract. */
fun prunerContract(name: String, pruner: Pruner, steps: Long = 16, weights: Boolean = true) = funSpec {
    if (weights) {
        test("$name: pruner contract at weight sites") { Contracts.pruner(pruner, SiteKind.WEIGHT, steps) }
    }
    test("$name: pruner contract at activation sites") { Contracts.pruner(pruner, SiteKind.ACTIVATION, steps) }
}

/** Kotest factory of the schedule contract. */
fun scheduleContract(name: String, schedule: Schedule, horizon: Long = 2000) = funSpec {
    test("$name: schedule contract") { Contracts.schedule(schedule, horizon) }
}
