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

/** The paper's classification tables (SPEC §11) as {@link TableSpec}s. */
public final class Tables {
  private Tables() {}

  static final double NO_PD = Double.NaN;

  /** Table 1: 8-bit baseline vs delayed vs fixed d from step 0 vs retraining with the final d* fixed from step 0. */
  public static TableSpec table1() {
    return new TableSpec("table1", "8-bit classification: FP32 baseline, delayed quantization, fixed d from step 0, retrain with final d*",
        List.of(
            new TableSpec.Arm("baseline", 92.60, NO_PD, (c, prev) -> c.copy(Map.of("bits", 32, "sparsity", 0.0, "preset", "none"))),
            new TableSpec.Arm("delayed", 92.52, NO_PD, (c, prev) -> c.copy(Map.of("bits", 8, "sparsity", 0.0, "preset", "quantize-then-prune"))),
            new TableSpec.Arm("fixed-d-step0", 75.83, NO_PD, (c, prev) -> c.copy(Map.of("bits", 8, "sparsity", 0.0, "preset", "none"))),
            new TableSpec.Arm("retrain-final-d", 18.35, NO_PD, (c, prev) -> c.copy(Map.of("bits", 8, "sparsity", 0.0, "preset", "none",
                "overrides", finalD(prev.get("delayed")))))),
        List.of(
            new TableSpec.Claim("delayed quantization stays within 1 point of the FP32 baseline", "delayed", "baseline", "accuracy", 1.0),
            new TableSpec.Claim("delayed beats fixed d from step 0", "delayed", "fixed-d-step0", "accuracy", 0),
            new TableSpec.Claim("delayed beats retraining with the final d* from step 0", "delayed", "retrain-final-d", "accuracy", 0)));
  }

  /** Table 3: weights pruned 50 %, 8-bit, P→Q vs Q→P. */
  public static TableSpec table3() {
    return new TableSpec("table3", "classification, 8-bit, weights pruned 50 %: prune-then-quantize vs quantize-then-prune",
        List.of(
            new TableSpec.Arm("P->Q", 92.23, 1.43, (c, prev) -> c.copy(Map.of("bits", 8, "sparsity", 0.5, "pruneActivations", false, "preset", "prune-then-quantize"))),
            new TableSpec.Arm("Q->P", 85.94, 1.33, (c, prev) -> c.copy(Map.of("bits", 8, "sparsity", 0.5, "pruneActivations", false, "preset", "quantize-then-prune")))),
        orderClaims());
  }

  /** Table 4: weights and activations pruned 50 %, 8-bit, P→Q vs Q→P. */
  public static TableSpec table4() {
    return new TableSpec("table4", "classification, 8-bit, weights and activations pruned 50 %: prune-then-quantize vs quantize-then-prune",
        List.of(
            new TableSpec.Arm("P->Q", 91.44, 2.49, (c, prev) -> c.copy(Map.of("bits", 8, "sparsity", 0.5, "pruneActivations", true, "preset", "prune-then-quantize"))),
            new TableSpec.Arm("Q->P", 86.84, 2.36, (c, prev) -> c.copy(Map.of("bits", 8, "sparsity", 0.5, "pruneActivations", true, "preset", "quantize-then-prune")))),
        orderClaims());
  }

  private static List<TableSpec.Claim> orderClaims() {
    return List.of(
        new TableSpec.Claim("classification: P->Q has higher accuracy than Q->P", "P->Q", "Q->P", "accuracy", 0),
        new TableSpec.Claim("classification: P->Q has higher PD than Q->P", "P->Q", "Q->P", "pd", 0));
  }

  public static TableSpec byId(String id) {
    return switch (id) {
      case "table1" -> table1();
      case "table3" -> table3();
      case "table4" -> table4();
      default -> throw new JqpException("unknown table '" + id + "'; known: table1, table3, table4");
    };
  }

  /** Per-site rules that fix each site's d to the value the delayed run froze (read from its layers.csv). */
  static List<LayerOverride> finalD(Path delayedRun) {
    if (delayedRun == null) {
      throw new IllegalStateException("the retrain arm needs the delayed arm of the same seed first");
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
      throw new JqpException("cannot read the delayed run's layers.csv in " + delayedRun + ": " + e.getMessage());
    }
    return rules;
  }
}
