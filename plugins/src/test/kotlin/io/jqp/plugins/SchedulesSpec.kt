package io.jqp.plugins

import io.jqp.api.JqpException
import io.jqp.api.Plugins
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.shouldBe

/** SPEC §5 schedule values, without any engine. */
class SchedulesSpec : FunSpec({
    test("Zhu-Gupta with n = 4 reaches 0.578S, 0.875S, 0.984S, S") {
        val s = Schedules.zhuGupta(0, 10, 4, 0.5)
        listOf(10L, 20L, 30L, 40L).map { s.valueAt(it) / 0.5 } shouldBe listOf(0.578125, 0.875, 0.984375, 1.0)
    }

    test("Zhu-Gupta t_p=4, Δ=2, n=3, S=0.5: updates at 6, 8, 10 and frozen after") {
        val s = Schedules.zhuGupta(4, 2, 3, 0.5)
        s.valueAt(5) shouldBe 0.0
        s.valueAt(6) shouldBe (0.3519 plusOrMinus 1e-4)
        s.valueAt(7) shouldBe (0.3519 plusOrMinus 1e-4)
        s.valueAt(8) shouldBe (0.4815 plusOrMinus 1e-4)
        s.valueAt(10) shouldBe 0.5
        s.valueAt(1000) shouldBe 0.5
        (0L..20L).filter { s.updatesAt(it) } shouldBe listOf(0L, 6L, 8L, 10L)
        s.lastUpdate() shouldBe 10L
    }

    test("polynomial holds its value between changes and ends at the target") {
        val s = Schedules.polynomial(100, 200, 0.0, 0.8, 3.0, 10)
        s.valueAt(50) shouldBe 0.0
        s.valueAt(105) shouldBe s.valueAt(100)
        s.valueAt(150) shouldBe (0.8 * (1 - 0.125) plusOrMinus 1e-12)
        s.valueAt(500) shouldBe (0.8 plusOrMinus 1e-12)
        (0L..300L).count { s.updatesAt(it) } shouldBe 11
    }

    test("step schedule and its provider") {
        val s = Plugins.load().schedule("step", mapOf("steps" to "100,200", "values" to "0.25,0.5"))
        s.valueAt(99) shouldBe 0.0
        s.valueAt(100) shouldBe 0.25
        s.valueAt(250) shouldBe 0.5
        shouldThrow<JqpException> { Plugins.load().schedule("step", mapOf("steps" to "200,100", "values" to "0.1,0.2")) }
            .message shouldBe "schedule 'step': steps must increase, got [200, 100]"
    }

    test("bad Zhu-Gupta parameters name the parameter") {
        shouldThrow<JqpException> { Schedules.zhuGupta(0, 0, 4, 0.5) }.message shouldBe
            "schedule 'zhu-gupta': interval must be >= 1, got 0"
        shouldThrow<JqpException> { Plugins.load().schedule("zhu-gupta", mapOf("target" to 1.5)) }.message shouldBe
            "schedule 'zhu-gupta': target must be in [0, 1), got 1.5"
    }

    test("saturation vectors (SPEC §3), host reference") {
        val base = FloatArray(10001) { (-1.0 + 2.0 * it / 10000).toFloat() }
        val withOutliers = base + floatArrayOf(100f, -100f)
        FixedPoint.searchFractionalBits(withOutliers, 8, 0, 20, Rounding.TRUNCATE) shouldBe 0
        FixedPoint.searchFractionalBits(withOutliers, 8, 0, 20, Rounding.TRUNCATE, 0.0001, 0.9999) shouldBe 7
        val r = java.util.Random(5)
        val uniform = FloatArray(10000) { (r.nextDouble() * 4 - 2).toFloat() }
        FixedPoint.searchFractionalBits(uniform, 8, 0, 20, Rounding.TRUNCATE, 0.3, 0.7) shouldBe 7
    }
})
