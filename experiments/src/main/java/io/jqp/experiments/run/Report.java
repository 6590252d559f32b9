package io.jqp.experiments.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.jqp.api.JqpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The report of a folder of runs (a sweep, a table, or runs side by side): every run folder below
 * it (one holding {@code metrics.json}) becomes a row of {@code report.csv}; runs that differ only
 * in their seed are grouped with mean ± std in {@code report.md} and {@code report.json}; PNG
 * plots: {@code curves.png} (test accuracy per epoch), {@code accuracy-vs-pd.png}, and {@code
 * layers-<run>.png} (bits and sparsity per site).
 */
public final class Report {
  private Report() {}

  /** One run read back. */
  record Row(String name, TrainConfig config, JsonNode metrics, List<String[]> layers) {}

  /** A group of runs equal but for the seed. */
  public record Group(
      String key,
      int runs,
      double metricMean,
      double metricStd,
      double pdMean,
      double pdStd,
      double weightMb,
      double activationMb) {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Report.class);

  private static Row row(Path dir, Path run) throws IOException {
    JsonNode metrics = RunSummary.metrics(run);
    TrainConfig c;
    try {
      c = ConfigIo.readRun(run.resolve("config.yaml"));
    } catch (IOException | RuntimeException e) {
      throw new JqpException(
          run.resolve("config.yaml") + " is damaged: " + ConfigIo.translate(e).getMessage());
    }
    List<String[]> layers = new ArrayList<>();
    List<String> lines = Files.readAllLines(run.resolve("layers.csv"));
    if (lines.isEmpty()) {
      throw new JqpException(run.resolve("layers.csv") + " is empty");
    }
    for (String l : lines.subList(1, lines.size())) {
      String[] cells = l.split(",", -1);
      try {
        Double.parseDouble(cells[4]);
        Double.parseDouble(cells[6]);
      } catch (RuntimeException e) {
        throw new JqpException(run.resolve("layers.csv") + " is damaged at '" + l + "'");
      }
      layers.add(cells);
    }
    return new Row(dir.relativize(run).toString(), c, metrics, layers);
  }

  public static List<Group> write(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new JqpException(dir + " is not a folder of runs");
    }
    List<Row> rows = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir, 3)) {
      for (Path m :
          walk.filter(p -> p.getFileName().toString().equals("metrics.json")).sorted().toList()) {
        Path run = java.util.Objects.requireNonNull(m.getParent());
        try {
          rows.add(row(dir, run));
        } catch (IOException | RuntimeException damaged) {
          // one damaged folder is named and left out; the rest is still reported
          LOG.warn(
              "skipped {}: {}",
              run,
              damaged instanceof JqpException
                  ? damaged.getMessage()
                  : "config.yaml or layers.csv does not hold what a run writes");
        }
      }
    }
    if (rows.isEmpty()) {
      throw new JqpException(dir + " holds no finished run (no metrics.json below it)");
    }
    StringBuilder csv =
        new StringBuilder(
            "run,task,model,preset,bits,sparsity,prune_activations,window,seed,epochs,metric,test_loss,weight_mb,activation_mb,pd,steps,seconds,images_per_second\n");
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : rows) {
      TrainConfig c = r.config();
      JsonNode m = r.metrics();
      csv.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%s,%s,%d,%.4f,%b,%d,%d,%d,%.6f,%.6f,%.6f,%.6f,%.4f,%d,%.2f,%.1f%n",
              r.name(),
              c.task(),
              c.model(),
              c.preset(),
              c.bits(),
              c.sparsity(),
              c.pruneActivations(),
              c.window(),
              c.seed(),
              c.epochs(),
              RunSummary.metric(m),
              m.get("test_loss").asDouble(),
              m.get("weight_mb").asDouble(),
              m.get("activation_mb").asDouble(),
              m.get("pd").asDouble(),
              m.get("steps").asLong(),
              m.get("seconds").asDouble(),
              m.get("images_per_second").asDouble()));
      groups
          .computeIfAbsent(ConfigIo.YAML.writeValueAsString(c.withSeed(0)), k -> new ArrayList<>())
          .add(r);
    }
    AtomicFiles.write(dir.resolve("report.csv"), csv.toString());
    List<Group> out = new ArrayList<>();
    StringBuilder md =
        new StringBuilder(
            "| runs (seeds) | model | preset | bits | sparsity | pruned | metric (mean ± std) | PD | weights Mb | activations Mb |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (List<Row> g : groups.values()) {
      TrainConfig c = g.get(0).config();
      double[] acc = g.stream().mapToDouble(r -> RunSummary.metric(r.metrics())).toArray();
      double[] pd = g.stream().mapToDouble(r -> r.metrics().get("pd").asDouble()).toArray();
      String key = g.get(0).name() + (g.size() > 1 ? " (+" + (g.size() - 1) + ")" : "");
      Group grp =
          new Group(
              key,
              g.size(),
              mean(acc),
              std(acc),
              mean(pd),
              std(pd),
              g.get(0).metrics().get("weight_mb").asDouble(),
              g.get(0).metrics().get("activation_mb").asDouble());
      out.add(grp);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %.2f | %s | %.2f ± %.2f | %.2f ± %.2f | %.4f | %.4f |%n",
              key,
              c.model(),
              c.preset(),
              c.bits(),
              c.sparsity(),
              c.sparsity() == 0 ? "-" : c.pruneActivations() ? "w+a" : "w",
              grp.metricMean(),
              grp.metricStd(),
              grp.pdMean(),
              grp.pdStd(),
              grp.weightMb(),
              grp.activationMb()));
    }
    AtomicFiles.write(dir.resolve("report.md"), md.toString());
    AtomicFiles.write(dir.resolve("report.json"), Runner.JSON.writeValueAsString(out));
    plots(dir, rows);
    return out;
  }

  private static void plots(Path dir, List<Row> rows) throws IOException {
    XYChart curves =
        new XYChartBuilder()
            .width(900)
            .height(550)
            .title("test metric per epoch")
            .xAxisTitle("epoch")
            .yAxisTitle("metric (accuracy % or PSNR dB)")
            .build();
    XYChart scatter =
        new XYChartBuilder()
            .width(900)
            .height(550)
            .title("metric vs performance density")
            .xAxisTitle("PD")
            .yAxisTitle("metric")
            .build();
    scatter.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    int n = 0;
    for (Row r : rows) {
      List<Double> epochs = new ArrayList<>();
      List<Double> acc = new ArrayList<>();
      for (JsonNode e : r.metrics().get("epochs")) {
        epochs.add(e.get("epoch").asDouble());
        acc.add(RunSummary.epochMetric(e));
      }
      curves.addSeries(r.name(), epochs, acc);
      scatter.addSeries(
          r.name(),
          new double[] {r.metrics().get("pd").asDouble()},
          new double[] {RunSummary.metric(r.metrics())});
      if (n++ < 24) {
        List<String> sites = r.layers().stream().map(l -> l[0]).toList();
        CategoryChart layers =
            new CategoryChartBuilder()
                .width(1000)
                .height(500)
                .title(r.name() + ": bits and sparsity per site")
                .xAxisTitle("site")
                .yAxisTitle("bits / sparsity %")
                .build();
        layers.addSeries(
            "bits", sites, r.layers().stream().map(l -> Double.parseDouble(l[4])).toList());
        layers.addSeries(
            "sparsity %",
            sites, r.layers().stream().map(l -> 100 * Double.parseDouble(l[6])).toList());
        layers.getStyler().setXAxisLabelRotation(45);
        save(
            layers,
            dir.resolve("layers-" + r.name().replaceAll("[^A-Za-z0-9._=,-]", "_") + ".png"));
      }
    }
    save(curves, dir.resolve("curves.png"));
    save(scatter, dir.resolve("metric-vs-pd.png"));
  }

  /** Writes a chart as PNG through a temporary file and an atomic rename. */
  public static void save(Chart<?, ?> chart, Path png) throws IOException {
    String base = png.getFileName().toString().replaceAll("\\.png$", "");
    Path tmp = png.resolveSibling("." + base + ".tmp");
    BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
    Files.move(
        png.resolveSibling("." + base + ".tmp.png"),
        png,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  private static double std(double[] a) {
    if (a.length < 2) {
      return 0;
    }
    double m = mean(a);
    double s = 0;
    for (double v : a) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (a.length - 1));
  }
}
