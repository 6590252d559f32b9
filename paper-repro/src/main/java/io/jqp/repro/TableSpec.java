package io.jqp.repro;

import io.jqp.experiments.run.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A paper table reproduced at our scale: its arms (each a config derived from the base config,
 * possibly from the same seed's earlier arms' run folders), the paper's numbers per arm and the
 * claims to judge.
 *
 * @param id command name ({@code table1}, …)
 * @param title what the table compares
 * @param arms in run order
 * @param claims qualitative claims between arms
 */
public record TableSpec(String id, String title, List<Arm> arms, List<Claim> claims) {

  /**
   * One arm.
   *
   * @param name column/row name
   * @param task the task the arm runs ({@code fashion-mnist}, {@code sr-x3}); its base config comes
   *     from the command
   * @param x the arm's position on a swept axis (e.g. the window T of figure 5), or NaN
   * @param paperMetric the paper's task metric for this arm (accuracy %, PSNR dB), or NaN where the
   *     paper gives none
   * @param paperPd the paper's performance density, or NaN where the table gives none
   * @param config base config and the same seed's earlier run folders (by arm name) → this arm's
   *     config
   */
  public record Arm(
      String name,
      String task,
      double x,
      double paperMetric,
      double paperPd,
      BiFunction<TrainConfig, Map<String, Path>, TrainConfig> config) {
    /** A classification arm. */
    public Arm(
        String name,
        double paperMetric,
        double paperPd,
        BiFunction<TrainConfig, Map<String, Path>, TrainConfig> config) {
      this(name, "fashion-mnist", Double.NaN, paperMetric, paperPd, config);
    }
  }

  /**
   * "{@code better} has a higher {@code metric} than {@code worse}" (metric: the task metric,
   * "metric", or "pd"), or with {@code within} &gt; 0: "{@code better} is within {@code within}
   * points of {@code worse}".
   */
  public record Claim(
      String text, String better, String worse, String metric, double within, boolean notWorse) {
    public Claim(String text, String better, String worse, String metric, double within) {
      this(text, better, worse, metric, within, false);
    }

    /**
     * "{@code better} is not worse than {@code worse}": its mean is at least the other's minus
     * twice the standard error.
     */
    public static Claim notWorse(String text, String better, String worse, String metric) {
      return new Claim(text, better, worse, metric, 0, true);
    }
  }
}
