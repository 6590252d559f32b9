package io.jqp.repro;

import java.util.List;
import java.util.Locale;

/** Mean ± sample standard deviation over seeds, and the comparison rule of the claims. */
public record Stats(double mean, double std, int n) {

  public static Stats of(List<Double> values) {
    double m = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double ss = values.stream().mapToDouble(v -> (v - m) * (v - m)).sum();
    double sd = values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0;
    return new Stats(m, sd, values.size());
  }

  /**
   * "yes" when {@code a} exceeds {@code b} by more than twice the standard error of the difference
   * (sqrt(s_a²/n_a + s_b²/n_b)), "no" when it falls short by as much, else "inconclusive". With one
   * seed every difference is within noise we cannot measure: "inconclusive (1 seed)".
   */
  public static String greater(Stats a, Stats b) {
    if (a.n < 2 || b.n < 2) {
      return "inconclusive (1 seed)";
    }
    double se = Math.sqrt(a.std * a.std / a.n + b.std * b.std / b.n);
    double d = a.mean - b.mean;
    if (d > 2 * se) {
      return "yes";
    }
    if (d < -2 * se) {
      return "no";
    }
    return "inconclusive";
  }

  /** Twice the standard error of the difference of two means: what the claims call noise. */
  public static double noise(Stats a, Stats b) {
    return 2 * Math.sqrt(a.std * a.std / Math.max(1, a.n) + b.std * b.std / Math.max(1, b.n));
  }

  public String format(int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean, std);
  }
}
