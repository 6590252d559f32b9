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
  private StepTimeline.Split timeline = StepTimeline.Split.none();

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
    List<StepTimeline.Span> spans = new ArrayList<>();
    for (DeviceStepStats dev : metadata.getStepStats().getDevStatsList()) {
      for (NodeExecStats n : dev.getNodeStatsList()) {
        long micros = Math.max(0, n.getOpEndRelMicros() - n.getOpStartRelMicros());
        first = Math.min(first, n.getAllStartMicros());
        last = Math.max(last, n.getAllStartMicros() + n.getAllEndRelMicros());
        String type = type(n.getTimelineLabel());
        long start = n.getAllStartMicros() + n.getOpStartRelMicros();
        spans.add(new StepTimeline.Span(type, start, start + micros));
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
    timeline = timeline.plus(StepTimeline.of(spans, first, last));
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

  /** The traced steps' wall time by the number of ops computing at once, summed over the steps. */
  public StepTimeline.Split timeline() {
    return timeline;
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

  /** The timeline split of a traced step, and the {@code top} op types by time alone. */
  String timelineMarkdown(int top) {
    StepTimeline.Split t = timeline;
    double per = steps == 0 ? 0 : 1000.0 * steps;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "%nA traced step's %.2f ms wall (%.0f ops): no op computing %.2f ms (%.1f %%: the executor"
                + " between ops), one op alone %.2f ms (%.1f %%), two or more at once %.2f ms (%.1f"
                + " %%). Ops alone can still use every core inside (convolutions, matrix products,"
                + " jqp's kernels).%n%n| op type | ms alone/step | share of wall |%n|---|---|---|%n",
            t.wall() / per,
            steps == 0 ? 0.0 : (double) t.ops() / steps,
            t.idle() / per,
            share(t.idle(), t.wall()),
            t.alone() / per,
            share(t.alone(), t.wall()),
            t.together() / per,
            share(t.together(), t.wall())));
    List<Map.Entry<String, Long>> ranked = t.aloneRanked();
    for (Map.Entry<String, Long> e : ranked.subList(0, Math.min(top, ranked.size()))) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %.1f %% |%n",
              e.getKey(),
              e.getValue() / per,
              share(e.getValue(), t.wall())));
    }
    return s.toString();
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
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
    s.append(timelineMarkdown(top));
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
