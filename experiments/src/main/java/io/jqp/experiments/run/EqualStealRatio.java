package io.jqp.experiments.run;

import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.jspecify.annotations.Nullable;

/**
 * An arm's time over the baseline's at equal stolen time: on a shared virtual machine the
 * hypervisor takes a varying share of the cores (steal), and a round where the arm lost more of the
 * machine than the baseline shows a higher ratio for that alone. Each round's log ratio is fitted
 * against the difference of the two spans' stolen shares, log(r) = a + b·(s_arm − s_base), by least
 * squares (Apache Commons Math's {@link SimpleRegression}); exp(a) is the ratio where both lost the
 * same share, with Student's t 95 % interval from the intercept's standard error over n − 2 degrees
 * of freedom. The plain per-round interval ({@link RatioInterval}) stays the headline: this one
 * says how much of its spread the machine's steal explains.
 *
 * @param rounds the paired rounds fitted
 * @param ratio exp(a), the ratio at equal steal
 * @param low the 95 % interval's lower end
 * @param high its upper end
 * @param perPoint exp(b) − 1: the ratio's relative change per percentage point more stolen from the
 *     arm than from the baseline
 */
public record EqualStealRatio(int rounds, double ratio, double low, double high, double perPoint) {

  /**
   * The fit over paired rounds, or null where it cannot be made: fewer than three rounds, a stolen
   * share not measured (NaN), or the same steal difference in every round.
   *
   * @param arm the arm's times, by round
   * @param base the baseline's times of the same rounds
   * @param armStolen the share of the machine stolen during each of the arm's spans, in percent
   * @param baseStolen the same for the baseline's spans
   */
  public static @Nullable EqualStealRatio of(
      List<Double> arm, List<Double> base, List<Double> armStolen, List<Double> baseStolen) {
    int n = arm.size();
    if (n < 3 || base.size() != n || armStolen.size() != n || baseStolen.size() != n) {
      return null;
    }
    SimpleRegression fit = new SimpleRegression(true);
    for (int i = 0; i < n; i++) {
      double dx = armStolen.get(i) - baseStolen.get(i);
      double r = arm.get(i) / base.get(i);
      if (!Double.isFinite(dx) || !(r > 0) || !Double.isFinite(r)) {
        return null;
      }
      fit.addData(dx, Math.log(r));
    }
    if (fit.getXSumSquares() == 0) {
      return null;
    }
    double a = fit.getIntercept();
    double se = fit.getInterceptStdErr();
    double t =
        new TDistribution(n - 2).inverseCumulativeProbability(1 - (1 - RatioInterval.LEVEL) / 2);
    return new EqualStealRatio(
        n, Math.exp(a), Math.exp(a - t * se), Math.exp(a + t * se), Math.expm1(fit.getSlope()));
  }

  /** {@code "1.041× [1.022, 1.061]"}. */
  public String markdown() {
    return String.format(Locale.ROOT, "%.3f× [%.3f, %.3f]", ratio, low, high);
  }

  /** The markdown of {@code r}, or "not measured" for null. */
  static String markdown(@Nullable EqualStealRatio r) {
    return r == null ? "not measured" : r.markdown();
  }
}
