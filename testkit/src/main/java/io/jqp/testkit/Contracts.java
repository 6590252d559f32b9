package io.jqp.testkit;

import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.Schedule;
import io.jqp.api.SiteKind;
import io.jqp.engine.tf.TfStrategyHarness;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The checks behind the contracts, runnable from any test framework. Each strategy is placed at one
 * site of a graph of its own (weights {@code [3, 3, 4, 8]}, activations of {@code [6, 6, 4]} per
 * sample, batch 4), fed seeded Gaussian data and stepped through {@code steps} training steps'
 * updates and observers before it is checked. Failures throw {@link AssertionError} with the
 * strategy's {@code toString()}.
 */
public final class Contracts {
  private Contracts() {}

  static final long[] WEIGHT = {3, 3, 4, 8};
  static final long[] ACTIVATION = {6, 6, 4};
  static final int BATCH = 4;

  static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  private static int size(SiteKind kind) {
    long n = kind == SiteKind.WEIGHT ? 1 : BATCH;
    for (long d : kind == SiteKind.WEIGHT ? WEIGHT : ACTIVATION) {
      n *= d;
    }
    return (int) n;
  }

  private static TfStrategyHarness harness(SiteKind kind, Quantizer q, Pruner p) {
    long[] shape = kind == SiteKind.WEIGHT ? WEIGHT : ACTIVATION;
    long[] input = kind == SiteKind.WEIGHT ? WEIGHT : new long[] {-1, 6, 6, 4};
    return new TfStrategyHarness(kind, shape, input, BATCH, q, p);
  }

  private static void step(TfStrategyHarness h, SiteKind kind, long steps) {
    for (long t = 0; t < steps; t++) {
      float[] x = gaussian(size(kind), 100 + (kind == SiteKind.WEIGHT ? 0 : t));
      h.runUpdates(t, x);
      h.runObservers(t, x);
    }
  }

  static void check(boolean ok, Object strategy, String what) {
    if (!ok) {
      throw new AssertionError(strategy + ": " + what);
    }
  }

  private static void finite(float[] a, Object s, String what) {
    for (float v : a) {
      check(Float.isFinite(v), s, what + " has a non-finite value");
    }
  }

  /**
   * Shape kept, outputs and gradients finite, evaluation deterministic, at most 2^bits levels once
   * on.
   */
  public static void quantizer(Quantizer q, SiteKind kind, long steps) {
    try (TfStrategyHarness h = harness(kind, q, Pruner.none())) {
      step(h, kind, steps);
      float[] x = gaussian(size(kind), 7);
      float[] y = h.forward(x);
      check(
          y.length == x.length,
          q,
          "output size " + y.length + " differs from input size " + x.length);
      finite(y, q, "output");
      check(Arrays.equals(y, h.forward(x)), q, "evaluation is not deterministic");
      float[] g = h.gradient(x, gaussian(x.length, 8));
      check(g.length == x.length, q, "gradient size differs from input size");
      finite(g, q, "gradient");
      Double bits = h.reports().get("bits");
      if (bits != null) {
        check(bits > 0 && bits <= 32, q, "reported bits " + bits + " outside (0, 32]");
        if (bits <= 12) {
          Set<Float> levels = new HashSet<>();
          for (float v : y) {
            levels.add(v);
          }
          long channels =
              kind == SiteKind.WEIGHT
                  ? WEIGHT[WEIGHT.length - 1]
                  : ACTIVATION[ACTIVATION.length - 1];
          check(
              levels.size() <= channels * Math.pow(2, bits),
              q,
              levels.size() + " distinct values exceed what " + bits + " bits can hold");
        }
      }
    }
  }

  /**
   * Shape kept; every output is its input or 0; the reported sparsity is the measured fraction of
   * zeros; gradients finite.
   */
  public static void pruner(Pruner p, SiteKind kind, long steps) {
    try (TfStrategyHarness h = harness(kind, Quantizer.identity(), p)) {
      step(h, kind, steps);
      float[] x = gaussian(size(kind), 9);
      float[] y = h.forward(x);
      check(y.length == x.length, p, "output size differs from input size");
      int zeros = 0;
      for (int i = 0; i < x.length; i++) {
        check(
            y[i] == x[i] || y[i] == 0,
            p,
            "entry " + i + " is neither kept nor zeroed: " + x[i] + " -> " + y[i]);
        zeros += y[i] == 0 ? 1 : 0;
      }
      Double reported = h.reports().get("sparsity");
      if (reported != null) {
        check(
            reported >= 0 && reported < 1, p, "reported sparsity " + reported + " outside [0, 1)");
        check(
            Math.abs(reported - (double) zeros / x.length) <= 1.0 / x.length + 1e-6,
            p,
            "reported sparsity "
                + reported
                + " but "
                + zeros
                + " of "
                + x.length
                + " outputs are zero");
      }
      finite(h.gradient(x, gaussian(x.length, 10)), p, "gradient");
    }
  }

  /**
   * Pure (same value twice), finite, and updating wherever its value changes, over {@code horizon}
   * steps.
   */
  public static void schedule(Schedule s, long horizon) {
    for (long t = 0; t < horizon; t++) {
      double v = s.valueAt(t);
      check(Double.isFinite(v), s, "value at " + t + " is not finite");
      check(v == s.valueAt(t), s, "value at " + t + " is not a pure function of the step");
      if (t > 0 && v != s.valueAt(t - 1)) {
        check(
            s.updatesAt(t), s, "value changes at step " + t + " but updatesAt(" + t + ") is false");
      }
    }
  }
}
