package io.jqp.experiments.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Per-layer bits, weight density, kept channels and BOPs over training, sampled about 40 times per
 * run: {@code history.csv} in the run folder (rewritten atomically at each sample, so a killed run
 * keeps what it had) and, at the end, {@code history.png} (weight and activation bits per layer
 * against the step) and {@code channels.png} (kept output channels per gated layer). A resumed run
 * keeps the rows up to its checkpoint's step and continues them.
 */
final class History {
  static final String HEADER =
      "step,layer,weight_bits,activation_bits,weight_density,kept_channels,channels,bops";

  private final Path csv;
  private final long every;
  private final List<String> rows = new ArrayList<>();

  private History(Path csv, long every) {
    this.csv = csv;
    this.every = every;
  }

  /**
   * A history for a run of {@code totalSteps} steps; when resuming, rows past {@code resumedStep}
   * are dropped.
   */
  static History open(Path out, long totalSteps, long resumedStep) throws IOException {
    History h = new History(out.resolve("history.csv"), Math.max(1, totalSteps / 40));
    if (resumedStep >= 0 && Files.isRegularFile(h.csv)) {
      for (String line : Files.readAllLines(h.csv)) {
        if (!line.isEmpty()
            && !line.equals(HEADER)
            && Long.parseLong(line.substring(0, line.indexOf(','))) <= resumedStep) {
          h.rows.add(line);
        }
      }
    }
    return h;
  }

  /** Whether the model should be sampled after reaching {@code step}. */
  boolean due(long step) {
    return step % every == 0;
  }

  void record(long step, List<RunResults.LayerBops> layers) throws IOException {
    String prefix = step + ",";
    rows.removeIf(r -> r.startsWith(prefix));
    for (RunResults.LayerBops l : layers) {
      rows.add(
          String.join(
              ",",
              Long.toString(step),
              l.layer(),
              num(l.weightBits()),
              num(l.activationBits()),
              num(l.weightDensity()),
              Double.isNaN(l.channels()) ? "" : num(l.keptChannels()),
              Double.isNaN(l.channels()) ? "" : num(l.channels()),
              num(l.bops())));
    }
    AtomicFiles.write(csv, HEADER + "\n" + String.join("\n", rows) + "\n");
  }

  /** Writes history.png and, if any layer has channel gates, channels.png. */
  void plot(Path out) throws IOException {
    Map<String, List<double[]>> byLayer = new LinkedHashMap<>();
    for (String r : rows) {
      String[] f = r.split(",", -1);
      byLayer
          .computeIfAbsent(f[1], k -> new ArrayList<>())
          .add(
              new double[] {
                Double.parseDouble(f[0]),
                Double.parseDouble(f[2]),
                Double.parseDouble(f[3]),
                f[5].isEmpty() ? Double.NaN : Double.parseDouble(f[5])
              });
    }
    if (byLayer.isEmpty()) {
      return;
    }
    XYChart bits =
        new XYChartBuilder()
            .width(900)
            .height(550)
            .title("bits per layer over training")
            .xAxisTitle("step")
            .yAxisTitle("bits")
            .build();
    XYChart kept =
        new XYChartBuilder()
            .width(900)
            .height(550)
            .title("kept output channels over training")
            .xAxisTitle("step")
            .yAxisTitle("channels")
            .build();
    boolean gated = false;
    for (Map.Entry<String, List<double[]>> e : byLayer.entrySet()) {
      List<double[]> pts = e.getValue();
      double[] step = pts.stream().mapToDouble(p -> p[0]).toArray();
      bits.addSeries(e.getKey() + " weights", step, pts.stream().mapToDouble(p -> p[1]).toArray());
      bits.addSeries(
          e.getKey() + " activations", step, pts.stream().mapToDouble(p -> p[2]).toArray());
      if (pts.stream().noneMatch(p -> Double.isNaN(p[3]))) {
        kept.addSeries(e.getKey(), step, pts.stream().mapToDouble(p -> p[3]).toArray());
        gated = true;
      }
    }
    Report.save(bits, out.resolve("history.png"));
    if (gated) {
      Report.save(kept, out.resolve("channels.png"));
    }
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v);
  }
}
