package io.jqp.experiments.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grid of runs: a base run config and axes (config keys mapped to lists of values), run as their
 * cartesian product, each in its own folder named by its axis values. Every combination is
 * validated before the first run starts. Re-running skips finished runs and restarts unfinished
 * ones; a run that fails is recorded ({@code error.txt}, status {@code failed}) and the others go
 * on. Results: {@code sweep.csv} and the report of {@link Report}.
 *
 * <pre>
 * base: {epochs: 2, bits: 8, sparsity: 0.5}
 * axes:
 *   preset: [prune-then-quantize, quantize-then-prune]
 *   window: [64, 256]
 *   seed: [1, 2, 3]
 * </pre>
 */
public final class Sweep {
  private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

  /** One point of the grid. */
  public record Point(String name, Map<String, Object> values, TrainConfig config) {}

  /** What became of one point. */
  public record Outcome(
      Point point,
      String status,
      double metric,
      double weightMb,
      double activationMb,
      double pd,
      String error) {}

  private final TrainConfig base;
  private final Map<String, List<Object>> axes;

  public Sweep(TrainConfig base, Map<String, List<Object>> axes) {
    this.base = base;
    this.axes = new LinkedHashMap<>(axes);
  }

  /**
   * Reads a sweep file: {@code base} (run config keys) and {@code axes} (key → list), nothing else.
   */
  @SuppressWarnings("unchecked")
  public static Sweep load(Path file) {
    Map<String, Object> doc = ConfigIo.read(file);
    if (doc.isEmpty()) {
      throw new JqpException(file + " is empty; give 'base' and 'axes'");
    }
    for (String key : doc.keySet()) {
      if (!key.equals("base") && !key.equals("axes")) {
        throw new JqpException(
            file.getFileName() + ": unknown key '" + key + "'; known: axes, base");
      }
    }
    Object b = doc.getOrDefault("base", Map.of());
    Object a = doc.get("axes");
    if (!(b instanceof Map) || !(a instanceof Map) || ((Map<?, ?>) a).isEmpty()) {
      throw new JqpException(
          file.getFileName()
              + ": 'base' must be a map of run config keys and 'axes' a non-empty map of key: [values]");
    }
    Map<String, List<Object>> axes = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : ((Map<String, Object>) a).entrySet()) {
      if (!(e.getValue() instanceof List<?> l) || l.isEmpty()) {
        throw new JqpException(
            file.getFileName()
                + ": axes."
                + e.getKey()
                + " must be a non-empty list, e.g. [1, 2, 3]");
      }
      // an axis is a spec path (pruning.window) or, as before the spec, a flat key (window)
      axes.put(RunSpec.field(e.getKey()), (List<Object>) e.getValue());
    }
    TrainConfig base;
    try {
      base = ConfigIo.fromDocument((Map<String, Object>) b);
    } catch (JqpException e) {
      throw new JqpException(file.getFileName() + ": base." + e.getMessage());
    }
    return new Sweep(base, axes);
  }

  /** The most points a sweep runs without {@code --allow-large-grid}. */
  public static final long MAX_POINTS = 1000;

  /** How many points the grid has (the product of the axes' lengths). */
  public long size() {
    long n = 1;
    for (List<Object> values : axes.values()) {
      n = Math.multiplyExact(n, values.size());
    }
    return n;
  }

  /**
   * Every combination, validated: a bad axis value fails naming the axis before anything runs; two
   * values that would share a folder ({@code a b} and {@code a_b}) are refused.
   */
  public List<Point> points() {
    List<Point> points = new ArrayList<>();
    expand(new ArrayList<>(axes.keySet()), 0, new LinkedHashMap<>(), points);
    Map<String, Point> byName = new LinkedHashMap<>();
    for (Point p : points) {
      Point other = byName.putIfAbsent(p.name(), p);
      if (other != null) {
        throw new JqpException(
            "axes: "
                + other.values()
                + " and "
                + p.values()
                + " would share the folder "
                + p.name()
                + "; make the values distinct");
      }
    }
    return points;
  }

  private void expand(List<String> keys, int i, Map<String, Object> chosen, List<Point> out) {
    if (i == keys.size()) {
      TrainConfig c;
      try {
        c = base.copy(chosen);
      } catch (JqpException e) {
        throw new JqpException("axes " + chosen + ": " + e.getMessage());
      }
      StringBuilder name = new StringBuilder();
      for (Map.Entry<String, Object> e : chosen.entrySet()) {
        name.append(name.length() == 0 ? "" : ",")
            .append(e.getKey())
            .append('=')
            .append(String.valueOf(e.getValue()).replaceAll("[^A-Za-z0-9._-]", "_"));
      }
      out.add(new Point(name.toString(), new LinkedHashMap<>(chosen), c));
      return;
    }
    for (Object v : java.util.Objects.requireNonNull(axes.get(keys.get(i)))) {
      chosen.put(keys.get(i), v);
      expand(keys, i + 1, chosen, out);
      chosen.remove(keys.get(i));
    }
  }

  /**
   * Runs every point not finished yet, {@code parallel} at a time (TensorFlow threads split between
   * them), and writes {@code sweep.csv}.
   */
  public List<Outcome> run(Path out, int parallel, Plugins plugins)
      throws IOException, InterruptedException {
    if (parallel < 1) {
      throw new JqpException("--parallel must be >= 1, got " + parallel);
    }
    List<Point> points = points();
    OutputFolder.check(out, OutputFolder.Kind.SWEEP, "--out");
    Runner runner = new Runner(plugins);
    for (Point p : points) {
      try {
        runner.validate(p.config());
      } catch (JqpException e) {
        throw new JqpException("point " + p.name() + ": " + e.getMessage());
      }
    }
    OutputFolder.claim(out, OutputFolder.Kind.SWEEP);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<Outcome>> futures = new ArrayList<>();
    int total = points.size();
    int[] index = {0};
    for (Point p : points) {
      int k = ++index[0];
      futures.add(pool.submit(() -> runOne(runner, p, out.resolve(p.name()), threads, k, total)));
    }
    pool.shutdown();
    List<Outcome> outcomes = new ArrayList<>();
    for (Future<Outcome> f : futures) {
      try {
        outcomes.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    writeCsv(out.resolve("sweep.csv"), outcomes);
    return outcomes;
  }

  private Outcome runOne(Runner runner, Point p, Path dir, int threads, int k, int total)
      throws IOException {
    // the sweep owns the point's folder: a damaged result is set aside and the point re-run
    if (RunSummary.finished(dir)) {
      LOG.info("[{}/{}] {}: finished before, kept", k, total, p.name());
      return read(p, dir);
    }
    for (String f : new String[] {"config.yaml", "layers.csv", "model.ckpt", "error.txt"}) {
      Files.deleteIfExists(dir.resolve(f));
    }
    // the sweep owns its points' folders, those of sweeps written before markers too
    OutputFolder.claim(dir, OutputFolder.Kind.RUN);
    LOG.info("[{}/{}] {}", k, total, p.name());
    try {
      runner.run(p.config().copy(Map.of("threads", threads)), dir);
      return read(p, dir);
    } catch (RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve("error.txt"), e.getMessage() + "\n\n" + trace);
      LOG.warn("[{}/{}] {} failed: {}", k, total, p.name(), e.getMessage());
      return new Outcome(
          p,
          "failed",
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          String.valueOf(e.getMessage()));
    }
  }

  private static Outcome read(Point p, Path dir) throws IOException {
    JsonNode m = RunSummary.metrics(dir);
    return new Outcome(
        p,
        "ok",
        RunSummary.metric(m),
        m.get("weight_mb").asDouble(),
        m.get("activation_mb").asDouble(),
        m.get("pd").asDouble(),
        "");
  }

  private void writeCsv(Path file, List<Outcome> outcomes) throws IOException {
    StringBuilder s = new StringBuilder("run");
    for (String k : axes.keySet()) {
      s.append(',').append(k);
    }
    s.append(",status,metric,weight_mb,activation_mb,pd,error\n");
    for (Outcome o : outcomes) {
      s.append(o.point().name().contains(",") ? "\"" + o.point().name() + "\"" : o.point().name());
      for (Iterator<Object> it = o.point().values().values().iterator(); it.hasNext(); ) {
        s.append(',').append(it.next());
      }
      s.append(
          String.format(
              Locale.ROOT,
              ",%s,%.6f,%.6f,%.6f,%.4f,\"%s\"%n",
              o.status(),
              o.metric(),
              o.weightMb(),
              o.activationMb(),
              o.pd(),
              o.error().replace("\"", "'").replace("\n", " ")));
    }
    AtomicFiles.write(file, s.toString());
  }
}
