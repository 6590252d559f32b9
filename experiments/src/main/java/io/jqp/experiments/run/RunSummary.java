package io.jqp.experiments.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.jqp.api.JqpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One finished run read back from its folder, with the check that every pruned site's measured sparsity is
 * its target within 1/numel and that the first and last layers are unpruned.
 */
public record RunSummary(String name, TrainConfig config, String metricName, double metric, java.util.Map<String, Double> extras, double weightMb, double activationMb, double pd,
    List<String> sparsityProblems) {

  public boolean sparsityOk() {
    return sparsityProblems.isEmpty();
  }

  public static RunSummary read(Path dir) throws IOException {
    Path metrics = dir.resolve("metrics.json");
    if (!Files.isRegularFile(metrics)) {
      throw new JqpException(dir + " is not a finished run (no metrics.json)");
    }
    JsonNode m = Runner.JSON.readTree(metrics.toFile());
    TrainConfig c;
    try {
      c = ConfigIo.readRun(dir.resolve("config.yaml"));
    } catch (IOException | RuntimeException e) {
      throw new JqpException(dir.resolve("config.yaml") + ": " + ConfigIo.translate(e).getMessage());
    }
    List<String> problems = new ArrayList<>();
    List<String> lines = Files.readAllLines(dir.resolve("layers.csv"));
    List<String[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      rows.add(line.split(",", -1));
    }
    String first = rows.isEmpty() ? "" : rows.get(0)[1];
    String last = rows.isEmpty() ? "" : rows.get(rows.size() - 1)[1];
    for (String[] r : rows) {
      String site = r[0];
      String layer = r[1];
      double sparsity = Double.parseDouble(r[6]);
      long numel = Long.parseLong(r[7]);
      boolean pruned = !r[9].contains("Pruner.none()");
      if (layer.equals(first) || layer.equals(last)) {
        if (pruned || sparsity != 0) {
          problems.add(site + " is pruned but belongs to the first or last layer");
        }
      } else if (pruned && Math.abs(sparsity - c.sparsity()) > 1.0 / numel + 1e-9) {
        problems.add(String.format(Locale.ROOT, "%s: sparsity %.6f, target %.6f", site, sparsity, c.sparsity()));
      }
    }
    return new RunSummary(dir.getFileName().toString(), c, metricName(m), metric(m), extras(m), m.get("weight_mb").asDouble(),
        m.get("activation_mb").asDouble(), m.get("pd").asDouble(), problems);
  }

  /** The task metric of a metrics.json in its units (runs written before tasks existed hold a fraction "accuracy"). */
  public static double metric(JsonNode m) {
    return m.has("metric") ? m.get("metric").asDouble() : 100 * m.get("accuracy").asDouble();
  }

  /** The task metric of one epoch entry of metrics.json. */
  public static double epochMetric(JsonNode e) {
    return e.has("metric") ? e.get("metric").asDouble() : 100 * e.get("accuracy").asDouble();
  }

  /** Further numbers of the task (e.g. patch-wise and bicubic PSNR), by name. */
  public static java.util.Map<String, Double> extras(JsonNode m) {
    java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
    if (m.has("extras")) {
      m.get("extras").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    }
    return out;
  }

  public static String metricName(JsonNode m) {
    return m.has("metric_name") ? m.get("metric_name").asText() : "accuracy %";
  }

  public static String markdown(List<RunSummary> rows) {
    StringBuilder s = new StringBuilder("| run | task | preset | bits | sparsity | pruned | metric | weights Mb | activations Mb | PD | sparsity check |\n");
    s.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (RunSummary r : rows) {
      TrainConfig c = r.config();
      String pruned = c.sparsity() == 0 ? "-" : c.pruneActivations() ? "w+a" : "w";
      s.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.2f | %s | %.2f %s | %.4f | %.4f | %.2f | %s |%n", r.name(), c.task(), c.preset(), c.bits(),
          c.sparsity(), pruned, r.metric(), r.metricName(), r.weightMb(), r.activationMb(), r.pd(),
          r.sparsityOk() ? "ok" : String.join("; ", r.sparsityProblems())));
    }
    return s.toString();
  }
}
