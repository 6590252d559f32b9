package io.jqp.plugins

import io.kotest.core.spec.style.FunSpec
import io.kotest.datatest.withData
import io.kotest.matchers.shouldBe
import java.util.Random

/** Host reference of SPEC §1–2: the golden vectors and the d* search values. */
class FixedPointSpec : FunSpec({
    val x = doubleArrayOf(-5.0, -4.01, -0.04, -0.03, 0.0, 0.03, 0.99, 1.99, 3.97, 5.0)

    test("Q(x; 8, 5) truncating") {
        x.map { FixedPoint.quantize(it, 8, 5, Rounding.TRUNCATE) + 0.0 } shouldBe
            listOf(-4.0, -4.0, -0.03125, 0.0, 0.0, 0.0, 0.96875, 1.96875, 3.96875, 3.96875)
    }

    test("Q(x; 4, 2) truncating") {
        x.map { FixedPoint.quantize(it, 4, 2, Rounding.TRUNCATE) + 0.0 } shouldBe
            listOf(-2.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.75, 1.75, 1.75, 1.75)
    }

    test("clipped straight-through gradient, N=8, d=5") {
        listOf(100.0, 1.0, -100.0).map { FixedPoint.gradient(it, 0.5, 8, 5, SteGradient.CLIPPED) } shouldBe listOf(3.96875, 1.0, -4.0)
    }

    fun linspace(a: Double, b: Double, n: Int) = FloatArray(n) { (a + (b - a) * it / (n - 1)).toFloat() }

    context("d* search (SPEC §2)") {
        data class Case(val name: String, val window: FloatArray, val bits: Int, val expected: Int)
        val r = Random(3)
        val uniform = FloatArray(10000) { (r.nextDouble() * 4 - 2).toFloat() }
        withData(
            nameFn = { it.name },
            Case("linspace(-2, 2, 1001), N=8", linspace(-2.0, 2.0, 1001), 8, 6),
            Case("linspace(-2, 2, 1001), N=4", linspace(-2.0, 2.0, 1001), 4, 2),
            Case("linspace(0, 1, 1001), N=8", linspace(0.0, 1.0, 1001), 8, 7),
            Case("uniform(-2, 2), N=8", uniform, 8, 6),
        ) { c ->
            FixedPoint.searchFractionalBits(c.window, c.bits, 0, 20, Rounding.TRUNCATE) shouldBe c.expected
        }
    }
})
