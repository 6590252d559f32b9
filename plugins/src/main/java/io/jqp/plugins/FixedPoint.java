package io.jqp.plugins;

/**
 * Host-side reference of the fixed-point arithmetic (JQP Eqs. 1–4), used by tests to check the
 * in-graph quantizer and by reports. N total bits in two's complement, d fractional bits: one step
 * is 2^-d.
 */
public final class FixedPoint {
  private FixedPoint() {}

  /** Q(x; N, d) = clip(round(x·2^d), −2^(N−1), 2^(N−1) − 1)·2^−d (JQP Eq. 1). */
  public static double quantize(double x, int bits, int d, Rounding rounding) {
    double scaled = x * Math.pow(2, d);
    double r =
        rounding == Rounding.TRUNCATE
            ? (scaled < 0 ? Math.ceil(scaled) : Math.floor(scaled))
            : Math.rint(scaled);
    double lo = -Math.pow(2, bits - 1);
    double hi = Math.pow(2, bits - 1) - 1;
    return Math.min(Math.max(r, lo), hi) * Math.pow(2, -d);
  }

  /** Smallest representable value, −2^(N−1−d). */
  public static double minValue(int bits, int d) {
    return -Math.pow(2, bits - 1 - d);
  }

  /** Largest representable value, 2^(N−1−d) − 2^−d. */
  public static double maxValue(int bits, int d) {
    return Math.pow(2, bits - 1 - d) - Math.pow(2, -d);
  }

  /** The gradient that reaches x, given the upstream gradient g (SPEC §1). */
  public static double gradient(double g, double x, int bits, int d, SteGradient variant) {
    return switch (variant) {
      case CLIPPED -> Math.min(Math.max(g, minValue(bits, d)), maxValue(bits, d));
      case ZERO_SATURATED -> x >= minValue(bits, d) && x <= maxValue(bits, d) ? g : 0;
      case IDENTITY -> g;
    };
  }

  /**
   * d* = argmin over d in [lo, hi) of Σ (Q(X; N, d) − X)², scanning d upward and keeping the first
   * minimum (JQP Eq. 4). Quantization happens in float32, as in the graph; errors accumulate in
   * double.
   */
  public static int searchFractionalBits(
      float[] window, int bits, int lo, int hi, Rounding rounding) {
    int best = lo;
    double bestErr = Double.POSITIVE_INFINITY;
    for (int d = lo; d < hi; d++) {
      double err = 0;
      for (float x : window) {
        double e = (float) quantize(x, bits, d, rounding) - x;
        err += e * e;
      }
      if (err < bestErr) {
        bestErr = err;
        best = d;
      }
    }
    return best;
  }

  /**
   * The q-quantile of {@code values} with linear interpolation between order statistics (SPEC §3).
   */
  public static double quantile(float[] values, double q) {
    float[] s = values.clone();
    java.util.Arrays.sort(s);
    double pos = q * (s.length - 1);
    int i = (int) Math.floor(pos);
    double frac = pos - i;
    return i + 1 >= s.length ? s[i] : s[i] + frac * (s[i + 1] - s[i]);
  }

  /** d* of Eq. 4 after clipping the window to its [lower, upper] quantiles (JQP Eqs. 5–7). */
  public static int searchFractionalBits(
      float[] window, int bits, int lo, int hi, Rounding rounding, double lower, double upper) {
    float a = (float) quantile(window, lower);
    float b = (float) quantile(window, upper);
    float[] clipped = new float[window.length];
    for (int i = 0; i < window.length; i++) {
      clipped[i] = Math.min(Math.max(window[i], a), b);
    }
    return searchFractionalBits(clipped, bits, lo, hi, rounding);
  }
}
