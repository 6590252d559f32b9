package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.SiteKind;
import org.junit.jupiter.api.Test;

/**
 * The registered custom gradient (clipped-gradient identity of JQP Eq. 2) against central finite
 * differences of its forward function f(x) = Σ u·clipGradient(x) = Σ u·x. Where the incoming
 * gradient u is inside the bounds they agree; outside, the symbolic gradient is u clipped to the
 * bounds, which is the point of Eq. 2.
 */
class CustomGradientCheckTest {

  @Test
  void symbolicMatchesNumericInsideTheBoundsAndIsClippedOutside() {
    double lo = -0.75;
    double hi = 0.5;
    Quantizer clip = (ops, x, ctx) -> ops.clipGradient(x, ops.constant(lo), ops.constant(hi));
    float[] x = {-0.9f, -0.3f, 0.1f, 0.45f, 0.8f};
    float[] u = {0.25f, -0.5f, 0.4f, 2f, -3f};
    try (TfStrategyHarness h =
        new TfStrategyHarness(SiteKind.WEIGHT, new long[] {x.length}, clip, Pruner.none())) {
      float[] symbolic = h.gradient(x, u);
      double eps = 1e-2;
      for (int i = 0; i < x.length; i++) {
        float[] plus = x.clone();
        float[] minus = x.clone();
        plus[i] += (float) eps;
        minus[i] -= (float) eps;
        double numeric =
            (dot(u, h.forward(plus)) - dot(u, h.forward(minus))) / (plus[i] - minus[i]);
        assertEquals(u[i], numeric, 1e-4, "the forward pass is the identity");
        if (u[i] >= lo && u[i] <= hi) {
          assertEquals(numeric, symbolic[i], 1e-4, "symbolic vs numeric at entry " + i);
        } else {
          assertEquals(
              Math.min(Math.max(u[i], lo), hi), symbolic[i], 1e-6, "clipped at entry " + i);
        }
      }
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
