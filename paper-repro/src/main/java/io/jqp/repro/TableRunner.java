package io.jqp.repro;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import io.jqp.experiments.run.AtomicFiles;
import io.jqp.experiments.run.OutputFolder;
import io.jqp.experiments.run.Report;
import io.jqp.experiments.run.RunSummary;
import io.jqp.experiments.run.Runner;
import io.jqp.experiments.run.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link TableSpec}: every arm for every seed, each in its own folder under {@code out} (a
 * finished run is kept and reused, so re-running resumes), then writes {@code results.csv}, {@code
 * results.json}, {@code table.md} and {@code <table>.png}, and returns the Markdown.
 */
public final class TableRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TableRunner.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One arm's results over seeds. */
  public record ArmResult(
      String arm,
      String task,
      double x,
      String metricName,
      double paperMetric,
      double paperPd,
      Stats metric,
      Stats pd,
      Map<String, Stats> extras,
      double weightMb,
      double activationMb,
      long stepsAfterLastSwitch,
      List<Double> metrics) {}

  /** A claim and whether it held. */
  public record ClaimResult(String claim, String held) {}

  /** Everything a table run produced. */
  public record Result(
      String table,
      String title,
      String scale,
      List<Long> seeds,
      List<ArmResult> arms,
      List<ClaimResult> claims) {
    /** The name of the swept axis of a figure. */
    public String xName() {
      return table.equals("figure5") ? "window T (samples)" : "x";
    }
  }

  private final Runner runner = new Runner(Plugins.load());

  /**
   * Runs every arm of {@code spec} for every seed.
   *
   * @param bases the base config of each task the arms run (by task id)
   */
  public Result run(
      TableSpec spec, Map<String, TrainConfig> bases, List<Long> seeds, String scale, Path out)
      throws IOException {
    // every arm's config is checked before anything runs; an arm built from an earlier run is
    // checked when it runs
    for (TableSpec.Arm arm : spec.arms()) {
      TrainConfig base = bases.get(arm.task());
      if (base == null) {
        throw new JqpException(
            spec.id()
                + ": arm "
                + arm.name()
                + " runs task "
                + arm.task()
                + ", which has no base config");
      }
      try {
        TrainConfig checked = arm.config().apply(base, Map.of());
        LOG.debug("{}: {}", arm.name(), checked.method());
      } catch (IllegalStateException needsEarlierRun) {
        LOG.debug("{}: {}", arm.name(), needsEarlierRun.getMessage());
      }
    }
    OutputFolder.check(out, OutputFolder.Kind.REPRO, "--out");
    for (TableSpec.Arm arm : spec.arms()) {
      io.jqp.experiments.tasks.Tasks.byId(arm.task())
          .checkData(java.util.Objects.requireNonNull(bases.get(arm.task())));
    }
    OutputFolder.claim(out, OutputFolder.Kind.REPRO);
    int total = spec.arms().size() * seeds.size();
    int k = 0;
    Map<String, List<RunSummary>> byArm = new LinkedHashMap<>();
    Map<String, TrainConfig> configs = new LinkedHashMap<>();
    for (long seed : seeds) {
      Map<String, Path> done = new LinkedHashMap<>();
      for (TableSpec.Arm arm : spec.arms()) {
        k++;
        Path dir = out.resolve(safe(arm.name()) + "-seed" + seed);
        TrainConfig c =
            arm.config()
                .apply(
                    java.util.Objects.requireNonNull(bases.get(arm.task())).withSeed(seed), done);
        // a damaged finished run (this repro owns the folder) is set aside and run again
        if (RunSummary.finished(dir)) {
          LOG.info(
              "[{}/{}] {} seed {}: finished before, reused ({})", k, total, arm.name(), seed, dir);
        } else {
          if (Files.isDirectory(dir)) {
            deleteUnfinished(dir);
          }
          OutputFolder.claim(dir, OutputFolder.Kind.RUN);
          LOG.info("[{}/{}] {} seed {} -> {}", k, total, arm.name(), seed, dir);
          runner.run(c, dir);
        }
        done.put(arm.name(), dir);
        configs.putIfAbsent(arm.name(), c);
        byArm.computeIfAbsent(arm.name(), a -> new ArrayList<>()).add(RunSummary.read(dir));
      }
    }
    List<ArmResult> arms = new ArrayList<>();
    for (TableSpec.Arm arm : spec.arms()) {
      List<RunSummary> runs = byArm.getOrDefault(arm.name(), List.of());
      List<Double> acc = runs.stream().map(RunSummary::metric).toList();
      Map<String, Stats> extras = new LinkedHashMap<>();
      for (String key : runs.get(0).extras().keySet()) {
        extras.put(
            key,
            Stats.of(runs.stream().map(r -> r.extras().getOrDefault(key, Double.NaN)).toList()));
      }
      TrainConfig c = runs.get(0).config();
      long steps = Runner.stepsPerEpoch(c) * c.epochs();
      TrainConfig.Timing t = c.timing(Runner.stepsPerEpoch(c));
      long lastSwitch =
          Math.max(
              c.bits() < 32 ? Math.max(t.weightDelay(), t.activationDelay()) : 0,
              c.sparsity() > 0 ? t.lastPruneUpdate() : 0);
      arms.add(
          new ArmResult(
              arm.name(),
              c.task(),
              arm.x(),
              runs.get(0).metricName(),
              arm.paperMetric(),
              arm.paperPd(),
              Stats.of(acc),
              Stats.of(runs.stream().map(RunSummary::pd).toList()),
              extras,
              runs.get(0).weightMb(),
              runs.get(0).activationMb(),
              steps - lastSwitch,
              acc));
    }
    List<ClaimResult> claims = new ArrayList<>();
    for (TableSpec.Claim claim : spec.claims()) {
      ArmResult a = find(arms, claim.better());
      ArmResult b = find(arms, claim.worse());
      String held;
      if (claim.notWorse()) {
        Stats sa = judged(a, claim.metric());
        Stats sb = judged(b, claim.metric());
        held = sa.mean() >= sb.mean() - Stats.noise(sa, sb) ? "yes" : "no";
        held += String.format(Locale.ROOT, " (difference %.2f)", sa.mean() - sb.mean());
      } else if (claim.within() > 0) {
        Stats sa = judged(a, claim.metric());
        Stats sb = judged(b, claim.metric());
        held = Math.abs(sa.mean() - sb.mean()) <= claim.within() ? "yes" : "no";
        held += String.format(Locale.ROOT, " (difference %.2f)", sa.mean() - sb.mean());
      } else {
        held = Stats.greater(judged(a, claim.metric()), judged(b, claim.metric()));
      }
      claims.add(new ClaimResult(claim.text(), held));
    }
    Result result = new Result(spec.id(), spec.title(), scale, seeds, arms, claims);
    write(out, result);
    return result;
  }

  /**
   * The numbers a claim compares: "metric" (the task metric), "pd", or one of the task's further
   * numbers.
   */
  private static Stats judged(ArmResult a, String what) {
    return switch (what) {
      case "metric" -> a.metric();
      case "pd" -> a.pd();
      default -> {
        Stats s = a.extras().get(what);
        if (s == null) {
          throw new JqpException(
              "claim compares '"
                  + what
                  + "', which arm "
                  + a.arm()
                  + " does not report; known: metric, pd, "
                  + String.join(", ", a.extras().keySet()));
        }
        yield s;
      }
    };
  }

  private static void deleteUnfinished(Path dir) throws IOException {
    // an interrupted run leaves config.yaml but no metrics.json: start it over
    for (String f : new String[] {"config.yaml", "layers.csv", "model.ckpt"}) {
      Files.deleteIfExists(dir.resolve(f));
    }
  }

  private static ArmResult find(List<ArmResult> arms, String name) {
    return arms.stream()
        .filter(a -> a.arm().equals(name))
        .findFirst()
        .orElseThrow(() -> new JqpException("claim names unknown arm '" + name + "'"));
  }

  static String safe(String name) {
    return name.replace("->", "-then-")
        .replace(">", "")
        .replace("/", "-")
        .replace(" ", "-")
        .replace("=", "");
  }

  public static String markdown(Result r) {
    StringBuilder s = new StringBuilder();
    s.append("### ").append(r.table()).append(": ").append(r.title()).append("\n\n");
    s.append(String.format(Locale.ROOT, "Scale: %s; seeds %s.%n%n", r.scale(), r.seeds()));
    s.append(
        "| arm | task | metric | paper | ours (mean ± std) | paper PD | ours PD | weights Mb | activations Mb | steps after last switch | also measured |\n");
    s.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (ArmResult a : r.arms()) {
      StringBuilder also = new StringBuilder();
      a.extras()
          .forEach(
              (k, v) -> {
                if (!k.startsWith("psnr_")
                    || k.equals("psnr_patches")
                    || k.equals("psnr_bicubic")) {
                  also.append(also.length() == 0 ? "" : "; ")
                      .append(k)
                      .append(' ')
                      .append(v.format(2));
                }
              });
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %.4f | %.4f | %d | %s |%n",
              a.arm(),
              a.task(),
              a.metricName(),
              Double.isNaN(a.paperMetric())
                  ? "-"
                  : String.format(Locale.ROOT, "%.2f", a.paperMetric()),
              a.metric().format(2),
              Double.isNaN(a.paperPd()) ? "-" : String.format(Locale.ROOT, "%.2f", a.paperPd()),
              a.pd().format(2),
              a.weightMb(),
              a.activationMb(),
              a.stepsAfterLastSwitch(),
              also.length() == 0 ? "-" : also));
    }
    s.append("\n| claim | held here |\n|---|---|\n");
    for (ClaimResult c : r.claims()) {
      s.append("| ").append(c.claim()).append(" | ").append(c.held()).append(" |\n");
    }
    return s.toString();
  }

  private static void write(Path out, Result r) throws IOException {
    AtomicFiles.write(out.resolve("results.json"), JSON.writeValueAsString(r));
    StringBuilder csv =
        new StringBuilder(
            "table,arm,task,seed_index,metric,paper_metric,paper_pd,pd_mean,weight_mb,activation_mb\n");
    for (ArmResult a : r.arms()) {
      for (int i = 0; i < a.metrics().size(); i++) {
        csv.append(
            String.format(
                Locale.ROOT,
                "%s,%s,%s,%d,%.4f,%.2f,%s,%.4f,%.6f,%.6f%n",
                r.table(),
                a.arm(),
                a.task(),
                i,
                a.metrics().get(i),
                a.paperMetric(),
                Double.isNaN(a.paperPd()) ? "" : String.format(Locale.ROOT, "%.2f", a.paperPd()),
                a.pd().mean(),
                a.weightMb(),
                a.activationMb()));
      }
    }
    AtomicFiles.write(out.resolve("results.csv"), csv.toString());
    AtomicFiles.write(out.resolve("table.md"), markdown(r));
    List<String> tasks = r.arms().stream().map(ArmResult::task).distinct().toList();
    for (String task : tasks) {
      List<ArmResult> arms = r.arms().stream().filter(a -> a.task().equals(task)).toList();
      String metric = arms.get(0).metricName();
      Path png =
          out.resolve(
              task.equals(tasks.get(0)) ? r.table() + ".png" : r.table() + "-" + task + ".png");
      if (arms.stream().allMatch(a -> Double.isFinite(a.x()))) {
        // a swept axis (figure 5): the metric against x, mean ± std over seeds
        XYChart line =
            new XYChartBuilder()
                .width(800)
                .height(500)
                .title(r.table() + " (" + task + "): " + metric + " vs " + r.xName())
                .xAxisTitle(r.xName())
                .yAxisTitle(metric)
                .build();
        line.addSeries(
            "ours (mean ± std over seeds)",
            arms.stream().map(ArmResult::x).toList(),
            arms.stream().map(a -> a.metric().mean()).toList(),
            arms.stream().map(a -> a.metric().std()).toList());
        line.getStyler().setXAxisLogarithmic(true);
        Report.save(line, png);
        continue;
      }
      CategoryChart chart =
          new CategoryChartBuilder()
              .width(800)
              .height(500)
              .title(r.table() + " (" + task + "): " + metric + ", paper vs ours")
              .xAxisTitle("arm")
              .yAxisTitle(metric)
              .build();
      List<String> names = arms.stream().map(ArmResult::arm).toList();
      chart.addSeries("paper", names, arms.stream().map(ArmResult::paperMetric).toList());
      chart.addSeries(
          "ours (mean ± std over seeds)",
          names,
          arms.stream().map(a -> a.metric().mean()).toList(),
          arms.stream().map(a -> a.metric().std()).toList());
      chart.getStyler().setXAxisLabelRotation(20);
      double lo =
          arms.stream()
              .mapToDouble(a -> Math.min(a.paperMetric(), a.metric().mean() - a.metric().std()))
              .min()
              .orElse(0);
      if (metric.startsWith("accuracy")) {
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
      } else {
        chart.getStyler().setYAxisMin(Math.floor(lo - 1));
      }
      Report.save(chart, png);
      if (arms.stream()
              .map(a -> a.extras().get("bop_reduction"))
              .filter(java.util.Objects::nonNull)
              .mapToDouble(Stats::mean)
              .distinct()
              .count()
          > 2) {
        // where arms trade BOPs against the metric (djpq): each arm's mean ± std against its BOP
        // reduction
        XYChart trade =
            new XYChartBuilder()
                .width(800)
                .height(500)
                .title(r.table() + " (" + task + "): " + metric + " vs BOP reduction")
                .xAxisTitle("BOP reduction vs FP32 (x, log scale)")
                .yAxisTitle(metric)
                .build();
        trade
            .getStyler()
            .setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter)
            .setXAxisLogarithmic(true)
            .setMarkerSize(10);
        for (ArmResult a : arms) {
          Stats b = a.extras().get("bop_reduction");
          if (b != null) {
            trade.addSeries(
                a.arm(),
                new double[] {b.mean()},
                new double[] {a.metric().mean()},
                new double[] {a.metric().std()});
          }
        }
        Report.save(
            trade, png.resolveSibling(png.getFileName().toString().replace(".png", "-bops.png")));
      }
    }
  }
}
