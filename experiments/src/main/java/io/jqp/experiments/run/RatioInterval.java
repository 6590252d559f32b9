package io.jqp.experiments.run;

import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * An arm's time over the baseline's, paired by round: one ratio per round (both timed in the same
 * round, so a slow spell of the machine hits both), their mean, their sample standard deviation and
 * Student's t 95 % confidence interval of the mean. The interval says whether a ratio is below a
 * target by more than this machine's noise: a target above {@link #high()} is met with 95 %
 * confidence; one inside the interval is not settled by these rounds.
 *
 * @param rounds the number of paired rounds
 * @param perRound each round's ratio, in round order
 * @param mean the mean of the per-round ratios
 * @param std their sample standard deviation (NaN with one round)
 * @param low the 95 % interval's lower end (NaN with one round)
 * @param high its upper end (NaN with one round)
 */
public record RatioInterval(
    int rounds, List<Double> perRound, double mean, double std, double low, double high) {

  /** The two-sided confidence level of the interval. */
  public static final double LEVEL = 0.95;

  public RatioInterval {
    perRound = List.copyOf(perRound);
  }

  /**
   * The ratios {@code arm[i] / base[i]} of paired timings.
   *
   * @throws IllegalArgumentException when the lists are empty or differ in length, or a baseline
   *     time is not positive
   */
  public static RatioInterval of(List<Double> arm, List<Double> base) {
    if (arm.isEmpty() || arm.size() != base.size()) {
      throw new IllegalArgumentException(
          "paired timings: " + arm.size() + " of the arm against " + base.size() + " of the base");
    }
    double[] r = new double[arm.size()];
    for (int i = 0; i < r.length; i++) {
      if (!(base.get(i) > 0)) {
        throw new IllegalArgumentException("paired timings: base time " + base.get(i) + " <= 0");
      }
      r[i] = arm.get(i) / base.get(i);
    }
    int n = r.length;
    double sum = 0;
    for (double v : r) {
      sum += v;
    }
    double mean = sum / n;
    if (n < 2) {
      return new RatioInterval(n, List.of(r[0]), mean, Double.NaN, Double.NaN, Double.NaN);
    }
    double ss = 0;
    for (double v : r) {
      ss += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(ss / (n - 1));
    double t = new TDistribution(n - 1).inverseCumulativeProbability(1 - (1 - LEVEL) / 2);
    double half = t * std / Math.sqrt(n);
    return new RatioInterval(
        n, java.util.Arrays.stream(r).boxed().toList(), mean, std, mean - half, mean + half);
  }

  /**
   * {@link #of}, or null where a timing was not measured (NaN or not positive: a clock the platform
   * does not offer).
   */
  public static @org.jspecify.annotations.Nullable RatioInterval ofMeasured(
      List<Double> arm, List<Double> base) {
    boolean measured =
        java.util.stream.Stream.concat(arm.stream(), base.stream()).allMatch(v -> v > 0);
    return measured ? of(arm, base) : null;
  }

  /** The markdown of {@code r}, or "not measured" for null. */
  static String markdown(@org.jspecify.annotations.Nullable RatioInterval r) {
    return r == null ? "not measured" : r.markdown();
  }

  /** Whether the interval lies wholly at or below {@code target}: met beyond the noise. */
  public boolean below(double target) {
    return rounds >= 2 && high <= target;
  }

  /** {@code "1.038× [1.012, 1.064]"}, or the mean alone with one round. */
  public String markdown() {
    return rounds < 2
        ? String.format(Locale.ROOT, "%.3f× (1 round: no interval)", mean)
        : String.format(Locale.ROOT, "%.3f× [%.3f, %.3f]", mean, low, high);
  }
}
