package io.jqp.repro;

import io.jqp.api.JqpException;
import io.jqp.experiments.run.LayerOverride;
import io.jqp.experiments.run.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's tables and figure 5 (SPEC §11) as {@link TableSpec}s, classification and
 * super-resolution rows.
 */
public final class Tables {
  private Tables() {}

  static final double NO_PD = Double.NaN;

  /**
   * Table 1: 8-bit baseline vs delayed vs fixed d from step 0 vs retraining with the final d* fixed
   * from step 0.
   */
  public static TableSpec table1() {
    return new TableSpec(
        "table1",
        "8-bit classification: FP32 baseline, delayed quantization, fixed d from step 0, retrain with final d*",
        List.of(
            new TableSpec.Arm(
                "baseline",
                92.60,
                NO_PD,
                (c, prev) -> c.copy(Map.of("bits", 32, "sparsity", 0.0, "preset", "none"))),
            new TableSpec.Arm(
                "delayed",
                92.52,
                NO_PD,
                (c, prev) ->
                    c.copy(Map.of("bits", 8, "sparsity", 0.0, "preset", "quantize-then-prune"))),
            new TableSpec.Arm(
                "fixed-d-step0",
                75.83,
                NO_PD,
                (c, prev) -> c.copy(Map.of("bits", 8, "sparsity", 0.0, "preset", "none"))),
            new TableSpec.Arm(
                "retrain-final-d",
                18.35,
                NO_PD,
                (c, prev) ->
                    c.copy(
                        Map.of(
                            "bits",
                            8,
                            "sparsity",
                            0.0,
                            "preset",
                            "none",
                            "overrides",
                            finalD(prev.get("delayed")))))),
        List.of(
            new TableSpec.Claim(
                "delayed quantization stays within 1 point of the FP32 baseline",
                "delayed",
                "baseline",
                "metric",
                1.0),
            new TableSpec.Claim(
                "delayed beats fixed d from step 0", "delayed", "fixed-d-step0", "metric", 0),
            new TableSpec.Claim(
                "delayed beats retraining with the final d* from step 0",
                "delayed",
                "retrain-final-d",
                "metric",
                0)));
  }

  static final String SR = "sr-x3";

  /**
   * Table 2: delayed 8-bit quantization per task, baseline → quantized (classification and
   * super-resolution rows).
   */
  public static TableSpec table2() {
    return new TableSpec(
        "table2",
        "delayed 8-bit quantization per task: FP32 baseline vs delayed 8-bit (no pruning)",
        List.of(
            new TableSpec.Arm(
                "cls FP32",
                92.60,
                NO_PD,
                (c, prev) -> c.copy(Map.of("bits", 32, "sparsity", 0.0, "preset", "none"))),
            new TableSpec.Arm(
                "cls delayed 8-bit",
                92.52,
                NO_PD,
                (c, prev) ->
                    c.copy(Map.of("bits", 8, "sparsity", 0.0, "preset", "quantize-then-prune"))),
            new TableSpec.Arm(
                "SR FP32",
                SR,
                Double.NaN,
                32.84,
                NO_PD,
                (c, prev) -> c.copy(Map.of("bits", 32, "sparsity", 0.0, "preset", "none"))),
            new TableSpec.Arm(
                "SR delayed 8-bit",
                SR,
                Double.NaN,
                32.68,
                NO_PD,
                (c, prev) ->
                    c.copy(Map.of("bits", 8, "sparsity", 0.0, "preset", "quantize-then-prune")))),
        List.of(
            new TableSpec.Claim(
                "classification: delayed 8-bit stays within 1 point of FP32 (paper: -0.08)",
                "cls delayed 8-bit",
                "cls FP32",
                "metric",
                1.0),
            new TableSpec.Claim(
                "super-resolution: delayed 8-bit stays within 0.5 dB of FP32 (paper: -0.16 dB)",
                "SR delayed 8-bit",
                "SR FP32",
                "metric",
                0.5)));
  }

  /** Table 3: weights pruned 50 %, 8-bit, P→Q vs Q→P, classification and super-resolution. */
  public static TableSpec table3() {
    return new TableSpec(
        "table3",
        "8-bit, weights pruned 50 %: prune-then-quantize vs quantize-then-prune",
        orderArms(false, 92.23, 1.43, 85.94, 1.33, 32.51, 8.36, 32.54, 8.37),
        orderClaims());
  }

  /**
   * Table 4: weights and activations pruned 50 %, 8-bit, P→Q vs Q→P, classification and
   * super-resolution.
   */
  public static TableSpec table4() {
    return new TableSpec(
        "table4",
        "8-bit, weights and activations pruned 50 %: prune-then-quantize vs quantize-then-prune",
        orderArms(true, 91.44, 2.49, 86.84, 2.36, 31.03, 8.34, 31.66, 8.51),
        orderClaims());
  }

  private static List<TableSpec.Arm> orderArms(
      boolean activations,
      double clsPq,
      double clsPqPd,
      double clsQp,
      double clsQpPd,
      double srPq,
      double srPqPd,
      double srQp,
      double srQpPd) {
    return List.of(
        new TableSpec.Arm(
            "P->Q", clsPq, clsPqPd, (c, prev) -> order(c, activations, "prune-then-quantize")),
        new TableSpec.Arm(
            "Q->P", clsQp, clsQpPd, (c, prev) -> order(c, activations, "quantize-then-prune")),
        new TableSpec.Arm(
            "SR P->Q",
            SR,
            Double.NaN,
            srPq,
            srPqPd,
            (c, prev) -> order(c, activations, "prune-then-quantize")),
        new TableSpec.Arm(
            "SR Q->P",
            SR,
            Double.NaN,
            srQp,
            srQpPd,
            (c, prev) -> order(c, activations, "quantize-then-prune")));
  }

  private static TrainConfig order(TrainConfig c, boolean activations, String preset) {
    return c.copy(
        Map.of("bits", 8, "sparsity", 0.5, "pruneActivations", activations, "preset", preset));
  }

  private static List<TableSpec.Claim> orderClaims() {
    return List.of(
        new TableSpec.Claim(
            "classification: P->Q has higher accuracy than Q->P", "P->Q", "Q->P", "metric", 0),
        new TableSpec.Claim(
            "classification: P->Q has higher PD than Q->P", "P->Q", "Q->P", "pd", 0),
        new TableSpec.Claim(
            "super-resolution: Q->P has higher PSNR than P->Q", "SR Q->P", "SR P->Q", "metric", 0),
        new TableSpec.Claim(
            "super-resolution: Q->P has higher PD than P->Q", "SR Q->P", "SR P->Q", "pd", 0),
        new TableSpec.Claim(
            "super-resolution, patch-wise: Q->P has higher PSNR than P->Q",
            "SR Q->P",
            "SR P->Q",
            "psnr_patches",
            0));
  }

  /** The windows T of figure 5 at full and quick scale. */
  static final int[] FIGURE5_WINDOWS = {1, 4, 16, 64};

  static final int[] FIGURE5_WINDOWS_QUICK = {1, 16, 64};

  /**
   * Figure 5: super-resolution PSNR against the activation-pruning window T (8-bit, weights and
   * activations pruned 50 %, quantize-then-prune). The d* search window of the activation quantizer
   * is held at 64 samples so that only the pruning window varies.
   */
  public static TableSpec figure5(boolean quick) {
    List<TableSpec.Arm> arms = new ArrayList<>();
    for (int t : quick ? FIGURE5_WINDOWS_QUICK : FIGURE5_WINDOWS) {
      arms.add(
          new TableSpec.Arm(
              "T=" + t,
              SR,
              t,
              Double.NaN,
              NO_PD,
              (c, prev) ->
                  c.copy(
                      Map.of(
                          "bits",
                          8,
                          "sparsity",
                          0.5,
                          "pruneActivations",
                          true,
                          "preset",
                          "quantize-then-prune",
                          "window",
                          t,
                          "quantizerWindow",
                          64))));
    }
    return new TableSpec(
        "figure5",
        "super-resolution PSNR vs activation-pruning window T (8-bit, W+A pruned 50 %, Q->P)",
        arms,
        List.of(
            new TableSpec.Claim(
                "PSNR (whole images, tiled masks) rises with T: T=16 beats T=1",
                "T=16",
                "T=1",
                "metric",
                0),
            new TableSpec.Claim(
                "PSNR (whole images) saturates near T=16: T=64 within 0.1 dB of T=16",
                "T=64",
                "T=16",
                "metric",
                0.1),
            new TableSpec.Claim(
                "PSNR (patches) rises with T: T=16 beats T=1", "T=16", "T=1", "psnr_patches", 0),
            new TableSpec.Claim(
                "PSNR (patches) saturates near T=16: T=64 within 0.1 dB of T=16",
                "T=64",
                "T=16",
                "psnr_patches",
                0.1)));
  }

  public static TableSpec byId(String id) {
    return byId(id, false);
  }

  /** A table by id; {@code quick} selects the smaller sweep of figure 5. */
  public static TableSpec byId(String id, boolean quick) {
    return switch (id) {
      case "table1" -> table1();
      case "table2" -> table2();
      case "table3" -> table3();
      case "table4" -> table4();
      case "figure5" -> figure5(quick);
      case "djpq" -> DjpqTable.djpq();
      default ->
          throw new JqpException(
              "unknown table '"
                  + id
                  + "'; known: table1, table2, table3, table4, table6, figure5, djpq");
    };
  }

  /**
   * Per-site rules that fix each site's d to the value the delayed run froze (read from its
   * layers.csv).
   */
  static List<LayerOverride> finalD(@org.jspecify.annotations.Nullable Path delayedRun) {
    if (delayedRun == null) {
      throw new IllegalStateException(
          "the retrain arm needs the delayed arm of the same seed first");
    }
    List<LayerOverride> rules = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(delayedRun.resolve("layers.csv"));
      for (String line : lines.subList(1, lines.size())) {
        String[] r = line.split(",", -1);
        if (r[5].isEmpty()) {
          continue;
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        opts.put("bits", (int) Double.parseDouble(r[4]));
        opts.put("d", (int) Double.parseDouble(r[5]));
        rules.add(new LayerOverride(r[1], r[2], "fixed", opts, null, null));
      }
    } catch (IOException e) {
      throw new JqpException(
          "cannot read the delayed run's layers.csv in " + delayedRun + ": " + e.getMessage());
    }
    return rules;
  }
}
