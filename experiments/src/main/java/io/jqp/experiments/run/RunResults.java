package io.jqp.experiments.run;

import io.jqp.api.Footprint;
import io.jqp.engine.tf.TfModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a finished run writes and prints: metrics.json, layers.csv, bops.csv and the summary line.
 */
public final class RunResults {
  private RunResults() {}

  /** One line summarising a finished run, as the CLI prints it. */
  public static String line(Runner.Result r, Path out) {
    return String.format(
        Locale.ROOT,
        "%s %.2f%s | %d steps in %.1f s (%.0f samples/s training) | weights %.3f Mb, activations %.4f Mb, PD %.2f %s | %s",
        r.metricName(),
        r.metric(),
        extras(r.extras()),
        r.steps(),
        r.seconds(),
        r.imagesPerSecond(),
        r.footprint().weightMegabits(),
        r.footprint().activationMegabits(),
        r.pd(),
        r.pdUnit(),
        out);
  }

  /** One weighted layer's BOPs (SPEC §10) after training, with what they are made of. */
  public record LayerBops(
      String layer,
      long macs,
      double weightBits,
      double weightDensity,
      double activationBits,
      double keptChannels,
      double channels,
      double bops) {}

  /**
   * BOPs per layer from the site reports: weight bits and density, activation bits, and the kept
   * fraction of output channels where channel gates report it ({@code kept}/{@code channels}); the
   * input has 8 bits.
   */
  static List<LayerBops> bops(Map<String, Long> macs, List<TfModel.SiteReport> sites) {
    Map<String, Map<String, Double>> byName = new LinkedHashMap<>();
    for (TfModel.SiteReport s : sites) {
      byName.put(s.site().name(), s.values());
    }
    List<io.jqp.plugins.djpq.BopsCost.LayerNumbers> numbers = new ArrayList<>();
    List<double[]> channels = new ArrayList<>();
    for (Map.Entry<String, Long> e : macs.entrySet()) {
      Map<String, Double> w = byName.getOrDefault(e.getKey() + "/weight", Map.of());
      Map<String, Double> a = byName.getOrDefault(e.getKey() + "/activation", Map.of());
      double ch = a.getOrDefault("channels", Double.NaN);
      double kept = a.getOrDefault("kept", ch);
      double keep = Double.isNaN(ch) ? 1 : kept / ch;
      numbers.add(
          new io.jqp.plugins.djpq.BopsCost.LayerNumbers(
              e.getKey(),
              e.getValue(),
              w.getOrDefault("bits", 32.0),
              1 - w.getOrDefault("sparsity", 0.0),
              a.getOrDefault("bits", 32.0),
              keep));
      channels.add(new double[] {kept, ch});
    }
    double[] b = io.jqp.plugins.djpq.BopsCost.perLayer(numbers, 8);
    List<LayerBops> out = new ArrayList<>();
    for (int i = 0; i < b.length; i++) {
      var n = numbers.get(i);
      out.add(
          new LayerBops(
              n.name(),
              n.macs(),
              n.weightBits(),
              n.weightDensity(),
              n.activationBits(),
              channels.get(i)[0],
              channels.get(i)[1],
              b[i]));
    }
    return out;
  }

  static String extras(Map<String, Double> extras) {
    StringBuilder s = new StringBuilder();
    extras.forEach((k, v) -> s.append(String.format(Locale.ROOT, ", %s %.2f", k, v)));
    return s.toString();
  }

  /**
   * Footprint from the sites' reported bits and measured sparsity (32 bits where no quantizer
   * reports).
   */
  public static Footprint footprint(List<TfModel.SiteReport> sites) {
    List<Footprint.Entry> entries = new ArrayList<>();
    for (TfModel.SiteReport s : sites) {
      double bits = s.values().getOrDefault("bits", 32.0);
      double sparsity = s.values().getOrDefault("sparsity", 0.0);
      entries.add(
          new Footprint.Entry(s.site().name(), s.site().kind(), s.site().numel(), bits, sparsity));
    }
    return new Footprint(entries);
  }

  static void writeResults(Path out, Runner.Result r) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("task", r.config().task());
    m.put("metric_name", r.metricName());
    m.put("metric", r.metric());
    m.put("extras", r.extras());
    m.put("test_loss", r.testLoss());
    m.put("steps", r.steps());
    m.put("seconds", r.seconds());
    m.put("train_seconds", r.trainSeconds());
    m.put("images_per_second", r.imagesPerSecond());
    m.put("parameters", r.parameters());
    m.put("weight_mb", r.footprint().weightMegabits());
    m.put("activation_mb", r.footprint().activationMegabits());
    m.put("pd", r.pd());
    m.put("pd_unit", r.pdUnit());
    m.put("epochs", r.epochs());
    AtomicFiles.write(out.resolve("metrics.json"), Runner.JSON.writeValueAsString(m));
    StringBuilder csv =
        new StringBuilder("name,layer,kind,layer_kind,bits,d,sparsity,numel,quantizer,pruner\n");
    for (TfModel.SiteReport s : r.sites()) {
      csv.append(
              String.join(
                  ",",
                  s.site().name(),
                  s.site().layer(),
                  s.site().kind().label(),
                  s.site().layerKind().label(),
                  fmt(s.values().getOrDefault("bits", 32.0)),
                  s.values().containsKey("d") ? fmt(s.values().get("d")) : "",
                  fmt(s.values().getOrDefault("sparsity", 0.0)),
                  Long.toString(s.site().numel()),
                  quote(s.quantizer()),
                  quote(s.pruner())))
          .append('\n');
    }
    AtomicFiles.write(out.resolve("layers.csv"), csv.toString());
    StringBuilder b =
        new StringBuilder(
            "layer,macs,weight_bits,weight_density,activation_bits,kept_channels,channels,bops\n");
    for (LayerBops l : r.bops()) {
      b.append(
              String.join(
                  ",",
                  l.layer(),
                  Long.toString(l.macs()),
                  fmt(l.weightBits()),
                  fmt(l.weightDensity()),
                  fmt(l.activationBits()),
                  Double.isNaN(l.channels()) ? "" : fmt(l.keptChannels()),
                  Double.isNaN(l.channels()) ? "" : fmt(l.channels()),
                  fmt(l.bops())))
          .append('\n');
    }
    AtomicFiles.write(out.resolve("bops.csv"), b.toString());
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /** Writes {@code profile.md} (op types and nodes by time per traced step) and prints its head. */
  static void writeProfile(Path out, io.jqp.engine.tf.TfProfile profile) throws IOException {
    String md = "# Where a training step's time goes\n\n" + profile.markdown(30);
    AtomicFiles.write(out.resolve("profile.md"), md);
    System.out.println(profile.markdown(12).split("\n\n\\| node")[0]);
    System.out.println("profile: " + out.resolve("profile.md"));
  }
}
