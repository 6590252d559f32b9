package io.jqp.engine.tf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Where a training step's time goes, per op, from TensorFlow's run metadata (a full trace of every
 * {@code every}-th training step): each op's compute time summed over the traced steps, by op type
 * and by node. Traced steps run slower than the rest; the shares between ops are what it is for.
 */
public final class TfProfile {

  /** One row of the profile: an op type or a node, its time per traced step and share. */
  public record Row(String name, String type, double millisPerStep, double share, long count) {}

  static final RunOptions TRACE =
      RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();

  private final int every;
  private final Map<String, long[]> byType = new LinkedHashMap<>();
  private final Map<String, long[]> byNode = new LinkedHashMap<>();
  private final Map<String, String> nodeType = new LinkedHashMap<>();
  private int steps;
  private long wallMicros;
  private int updateSteps;
  private long updateNanos;
  private long maxUpdateNanos;
  private int observedSteps;

  /**
   * @param every trace one training step in this many (1: every step)
   */
  public TfProfile(int every) {
    if (every < 1) {
      throw new IllegalArgumentException("profile every must be >= 1, got " + every);
    }
    this.every = every;
  }

  boolean due(long step) {
    return step % every == every - 1;
  }

  /** Records the strategy updates run before one training step, and their time. */
  void updates(long nanos) {
    updateSteps++;
    updateNanos += nanos;
    maxUpdateNanos = Math.max(maxUpdateNanos, nanos);
  }

  /** Records a training step that also collected windows (observers ran with it). */
  void observed() {
    observedSteps++;
  }

  /** Adds one traced step's run metadata. */
  void add(RunMetadata metadata) {
    steps++;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (DeviceStepStats dev : metadata.getStepStats().getDevStatsList()) {
      for (NodeExecStats n : dev.getNodeStatsList()) {
        long micros = Math.max(0, n.getOpEndRelMicros() - n.getOpStartRelMicros());
        first = Math.min(first, n.getAllStartMicros());
        last = Math.max(last, n.getAllStartMicros() + n.getAllEndRelMicros());
        String type = type(n.getTimelineLabel());
        String node = n.getNodeName();
        nodeType.putIfAbsent(node, type);
        long[] t = byType.computeIfAbsent(type, k -> new long[2]);
        t[0] += micros;
        t[1]++;
        long[] o = byNode.computeIfAbsent(node, k -> new long[2]);
        o[0] += micros;
        o[1]++;
      }
    }
    if (last > first) {
      wallMicros += last - first;
    }
  }

  /** The op type in a timeline label "node = Type(inputs)"; the label itself otherwise. */
  static String type(String label) {
    int eq = label.indexOf(" = ");
    int paren = label.indexOf('(', Math.max(0, eq));
    return eq >= 0 && paren > eq ? label.substring(eq + 3, paren) : label;
  }

  /** Traced steps so far. */
  public int steps() {
    return steps;
  }

  /** Wall time of a traced step, first op start to last op end, in milliseconds. */
  public double wallMillisPerStep() {
    return steps == 0 ? 0 : wallMicros / 1000.0 / steps;
  }

  /** Op types, most time first. */
  public List<Row> byType() {
    return rows(byType, null);
  }

  /** Nodes, most time first. */
  public List<Row> byNode() {
    return rows(byNode, nodeType);
  }

  private List<Row> rows(
      Map<String, long[]> m, @org.jspecify.annotations.Nullable Map<String, String> types) {
    long total = m.values().stream().mapToLong(v -> v[0]).sum();
    List<Row> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : m.entrySet()) {
      out.add(
          new Row(
              e.getKey(),
              types == null ? e.getKey() : types.getOrDefault(e.getKey(), ""),
              steps == 0 ? 0 : e.getValue()[0] / 1000.0 / steps,
              total == 0 ? 0 : (double) e.getValue()[0] / total,
              e.getValue()[1]));
    }
    out.sort(Comparator.comparingDouble(Row::millisPerStep).reversed());
    return out;
  }

  /** A Markdown table of the {@code top} op types and the {@code top} nodes. */
  public String markdown(int top) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "%d traced training steps, %.2f ms wall per traced step (op compute times below add up"
                + " over threads)%n%n| op type | ms/step | share | ops/step |%n|---|---|---|---|%n",
            steps,
            wallMillisPerStep()));
    for (Row r : byType().subList(0, Math.min(top, byType.size()))) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %.1f %% | %.1f |%n",
              r.name(),
              r.millisPerStep(),
              100 * r.share(),
              steps == 0 ? 0.0 : (double) r.count() / steps));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "%nStrategy updates (mask and d* recomputations, run before their steps) on %d steps:"
                + " %.2f s in all, %.1f ms at most; window collection rode on %d training steps.%n",
            updateSteps,
            updateNanos / 1e9,
            maxUpdateNanos / 1e6,
            observedSteps));
    s.append("\n| node | op type | ms/step | share |\n|---|---|---|---|\n");
    for (Row r : byNode().subList(0, Math.min(top, byNode.size()))) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.3f | %.1f %% |%n",
              r.name(),
              r.type(),
              r.millisPerStep(),
              100 * r.share()));
    }
    return s.toString();
  }
}
