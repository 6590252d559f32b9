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
 * One finished run read back from its folder, with the check that every pruned site's measured
 * sparsity is its target within 1/numel and that the first and last layers are unpruned.
 */
public record RunSummary(
    String name,
    TrainConfig config,
    String metricName,
    double metric,
    java.util.Map<String, Double> extras,
    double weightMb,
    double activationMb,
    double pd,
    List<String> sparsityProblems,
    String bits,
    String strategies) {

  /**
   * The rows of a run's layers.csv as column → value maps (quoted fields, e.g. strategy names with
   * commas, read whole).
   */
  public static List<java.util.Map<String, String>> layers(Path dir) throws IOException {
    com.fasterxml.jackson.dataformat.csv.CsvMapper csv =
        new com.fasterxml.jackson.dataformat.csv.CsvMapper();
    com.fasterxml.jackson.dataformat.csv.CsvSchema header =
        com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema().withHeader();
    try (com.fasterxml.jackson.databind.MappingIterator<java.util.Map<String, String>> it =
        csv.readerFor(java.util.Map.class)
            .with(header)
            .readValues(dir.resolve("layers.csv").toFile())) {
      return it.readAll();
    }
  }

  public boolean sparsityOk() {
    return sparsityProblems.isEmpty();
  }

  /**
   * Reads a finished run folder; a damaged one (metrics.json, config.yaml or layers.csv that does
   * not parse or lacks what a finished run writes) fails in one line naming the folder and file.
   */
  public static RunSummary read(Path dir) throws IOException {
    try {
      return readUnchecked(dir);
    } catch (JqpException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new JqpException(
          dir + " is damaged (layers.csv or metrics.json does not hold what a run writes)");
    }
  }

  /**
   * Whether a folder that jqp owns (a sweep's point, a repro's arm) holds a finished run that reads
   * back whole. A damaged one is named in one line and its metrics.json set aside as {@code
   * metrics.json.damaged} (never deleted), so the caller runs it again.
   */
  public static boolean finished(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve("metrics.json"))) {
      return false;
    }
    try {
      read(dir);
      return true;
    } catch (JqpException damaged) {
      org.slf4j.LoggerFactory.getLogger(RunSummary.class)
          .warn("{}; running it again", damaged.getMessage());
      Files.move(
          dir.resolve("metrics.json"),
          dir.resolve("metrics.json.damaged"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return false;
    }
  }

  /**
   * A finished run's metrics.json, checked: a JSON object with numeric metric, weight_mb,
   * activation_mb and pd.
   */
  public static JsonNode metrics(Path dir) {
    Path metrics = dir.resolve("metrics.json");
    if (!Files.isRegularFile(metrics)) {
      throw new JqpException(dir + " is not a finished run (no metrics.json)");
    }
    JsonNode m;
    try {
      m = Runner.JSON.readTree(metrics.toFile());
    } catch (IOException e) {
      throw new JqpException(metrics + " is damaged (not JSON); re-run the run or remove it");
    }
    if (m == null || !m.isObject()) {
      throw new JqpException(
          metrics + " is damaged (empty or not an object); re-run the run or remove it");
    }
    for (String k : new String[] {"weight_mb", "activation_mb", "pd"}) {
      if (!m.path(k).isNumber()) {
        throw new JqpException(
            metrics + " is damaged (no number '" + k + "'); re-run the run or remove it");
      }
    }
    if (!m.path("metric").isNumber() && !m.path("accuracy").isNumber()) {
      throw new JqpException(
          metrics + " is damaged (no number 'metric'); re-run the run or remove it");
    }
    return m;
  }

  private static RunSummary readUnchecked(Path dir) throws IOException {
    JsonNode m = metrics(dir);
    TrainConfig c;
    try {
      c = ConfigIo.readRun(dir.resolve("config.yaml"));
    } catch (IOException | RuntimeException e) {
      throw new JqpException(
          dir.resolve("config.yaml") + ": " + ConfigIo.translate(e).getMessage());
    }
    List<String> problems = new ArrayList<>();
    List<java.util.Map<String, String>> rows = layers(dir);
    String first = rows.isEmpty() ? "" : col(dir, rows.get(0), "layer");
    String last = rows.isEmpty() ? "" : col(dir, rows.get(rows.size() - 1), "layer");
    // the sparsity target is the config's only where no per-layer rule may have put another pruner
    // on a site
    boolean uniform = c.overrides().isEmpty() && c.method().equals("jqp");
    java.util.TreeSet<Double> weightBits = new java.util.TreeSet<>();
    java.util.LinkedHashSet<String> acted = new java.util.LinkedHashSet<>();
    for (java.util.Map<String, String> r : rows) {
      String site = col(dir, r, "name");
      String layer = col(dir, r, "layer");
      double sparsity = Double.parseDouble(col(dir, r, "sparsity"));
      long numel = Long.parseLong(col(dir, r, "numel"));
      boolean pruned = !col(dir, r, "pruner").equals("Pruner.none()");
      if (col(dir, r, "kind").equals("weight")) {
        weightBits.add(Double.parseDouble(col(dir, r, "bits")));
      }
      if (!col(dir, r, "quantizer").equals("Quantizer.identity()")) {
        acted.add(col(dir, r, "quantizer"));
      }
      if (pruned) {
        acted.add(col(dir, r, "pruner"));
      }
      if (layer.equals(first) || layer.equals(last)) {
        if (uniform && (pruned || sparsity != 0)) {
          problems.add(site + " is pruned but belongs to the first or last layer");
        }
      } else if (uniform && pruned && Math.abs(sparsity - c.sparsity()) > 1.0 / numel + 1e-9) {
        problems.add(
            String.format(
                Locale.ROOT, "%s: sparsity %.6f, target %.6f", site, sparsity, c.sparsity()));
      }
    }
    String bits =
        weightBits.isEmpty()
            ? "-"
            : weightBits.first().equals(weightBits.last())
                ? fmt(weightBits.first())
                : fmt(weightBits.first()) + "-" + fmt(weightBits.last());
    return new RunSummary(
        dir.getFileName().toString(),
        c,
        metricName(m),
        metric(m),
        extras(m),
        m.get("weight_mb").asDouble(),
        m.get("activation_mb").asDouble(),
        m.get("pd").asDouble(),
        problems,
        bits,
        acted.isEmpty() ? "none" : String.join("; ", acted));
  }

  /**
   * The task metric of a metrics.json in its units (runs written before tasks existed hold a
   * fraction "accuracy").
   */
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

  /** One column of a layers.csv row; a missing one is a one-line error naming the file. */
  private static String col(Path dir, java.util.Map<String, String> row, String column) {
    String v = row.get(column);
    if (v == null) {
      throw new JqpException(
          dir.resolve("layers.csv")
              + " has no column '"
              + column
              + "' in a row; the run folder is damaged");
    }
    return v;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }

  public static String markdown(List<RunSummary> rows) {
    StringBuilder s =
        new StringBuilder(
            "| run | task | model | preset | weight bits | sparsity | pruned | strategies that acted | metric | weights Mb | activations Mb | PD | sparsity check |\n");
    s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (RunSummary r : rows) {
      TrainConfig c = r.config();
      String pruned = c.sparsity() == 0 ? "-" : c.pruneActivations() ? "w+a" : "w";
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %.2f | %s | %s | %.2f %s | %.4f | %.4f | %.2f | %s |%n",
              r.name(),
              c.task(),
              c.model(),
              c.preset(),
              r.bits(),
              c.sparsity(),
              pruned,
              r.strategies().replace("|", "\\|"),
              r.metric(),
              r.metricName(),
              r.weightMb(),
              r.activationMb(),
              r.pd(),
              r.sparsityOk() ? "ok" : String.join("; ", r.sparsityProblems())));
    }
    return s.toString();
  }
}
