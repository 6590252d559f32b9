package io.jqp.repro;

import io.jqp.api.JqpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The DJPQ comparison (SPEC §10) as a {@link TableSpec}, with its BOPs-matched pruning arm. */
public final class DjpqTable {
  private DjpqTable() {}

  private static final double NO_PD = Tables.NO_PD;

  /**
   * DJPQ (SPEC §10) on the classification task: DJPQ vs the two-stage pipeline (gates, then bits)
   * with and without the power-of-two restriction, and fixed 8-bit with magnitude pruning at the
   * BOPs of the same seed's DJPQ run. The paper gives BOP reductions for ImageNet models only
   * (ResNet18 53×, MobileNetV2 43× at full-precision accuracy), so no paper numbers stand beside
   * ours.
   */
  public static TableSpec djpq() {
    return new TableSpec(
        "djpq",
        "DJPQ vs two-stage vs fixed 8-bit + magnitude pruning at matched BOPs (classification)",
        List.of(
            new TableSpec.Arm(
                "FP32",
                Double.NaN,
                NO_PD,
                (c, prev) -> c.copy(Map.of("bits", 32, "method", "jqp"))),
            new TableSpec.Arm(
                "DJPQ", Double.NaN, NO_PD, (c, prev) -> c.copy(Map.of("method", "djpq"))),
            new TableSpec.Arm(
                "two-stage", Double.NaN, NO_PD, (c, prev) -> c.copy(Map.of("method", "two-stage"))),
            new TableSpec.Arm(
                "DJPQ pow2",
                Double.NaN,
                NO_PD,
                (c, prev) -> c.copy(Map.of("method", "djpq", "powerOfTwo", true))),
            new TableSpec.Arm(
                "two-stage pow2",
                Double.NaN,
                NO_PD,
                (c, prev) -> c.copy(Map.of("method", "two-stage", "powerOfTwo", true))),
            new TableSpec.Arm(
                "fixed 8-bit + magnitude",
                Double.NaN,
                NO_PD,
                (c, prev) ->
                    c.copy(
                        Map.of(
                            "method",
                            "jqp",
                            "bits",
                            8,
                            "preset",
                            "prune-then-quantize",
                            "sparsity",
                            matchedSparsity(prev.get("DJPQ")))))),
        List.of(
            TableSpec.Claim.notWorse(
                "DJPQ accuracy is not below two-stage", "DJPQ", "two-stage", "metric"),
            TableSpec.Claim.notWorse(
                "DJPQ reduces BOPs at least as much as two-stage",
                "DJPQ",
                "two-stage",
                "bop_reduction"),
            TableSpec.Claim.notWorse(
                "power of two: DJPQ accuracy is not below two-stage",
                "DJPQ pow2",
                "two-stage pow2",
                "metric"),
            TableSpec.Claim.notWorse(
                "power of two: DJPQ reduces BOPs at least as much as two-stage",
                "DJPQ pow2",
                "two-stage pow2",
                "bop_reduction"),
            TableSpec.Claim.notWorse(
                "DJPQ accuracy is not below fixed 8-bit + magnitude pruning at its BOPs",
                "DJPQ",
                "fixed 8-bit + magnitude",
                "metric")));
  }

  /**
   * The weight sparsity at which 8-bit weights and activations with unstructured pruning of the
   * middle layers (first and last unpruned) have the BOPs of a DJPQ run: Σ MACs·64·(1 − s) over
   * pruned layers plus Σ MACs·64 over the others equals the run's BOPs (its bops.csv), clamped to
   * [0, 0.95].
   */
  static double matchedSparsity(@org.jspecify.annotations.Nullable Path djpqRun) {
    if (djpqRun == null) {
      throw new IllegalStateException("the matched arm needs the DJPQ arm of the same seed first");
    }
    try {
      List<String> lines = Files.readAllLines(djpqRun.resolve("bops.csv"));
      double target = 0;
      double kept = 0;
      double pruned = 0;
      int n = lines.size() - 1;
      for (int i = 1; i < lines.size(); i++) {
        String[] r = lines.get(i).split(",", -1);
        double macs = Double.parseDouble(r[1]);
        target += Double.parseDouble(r[7]);
        if (i == 1 || i == n) {
          kept += macs * 64;
        } else {
          pruned += macs * 64;
        }
      }
      double s = 1 - (target - kept) / pruned;
      return Math.round(Math.max(0, Math.min(0.95, s)) * 1e4) / 1e4;
    } catch (IOException e) {
      throw new JqpException(
          "cannot read the DJPQ run's bops.csv in " + djpqRun + ": " + e.getMessage());
    }
  }
}
