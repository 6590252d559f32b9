package io.jqp.engine.tf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a traced step's wall time splits by the number of ops computing at once: none (the executor
 * between ops: scheduling, hand-offs between threads, waiting for a thread to wake), one op alone,
 * or two and more. Where a step's CPU time equals another's but its wall time does not, the
 * difference lies in the first two: time in which fewer ops run than there are cores. An op that
 * runs alone may still use every core inside (convolutions, matrix products and jqp's kernels split
 * their work over the intra-op threads); small ops that run alone use one.
 */
public final class StepTimeline {

  /** One op's compute interval in a traced step, in microseconds of the same clock. */
  public record Span(String type, long start, long end) {
    public Span {
      if (end < start) {
        throw new IllegalArgumentException(
            "span of " + type + " ends (" + end + ") before it starts (" + start + ")");
      }
    }
  }

  /**
   * One step's split (or the sum over several steps), in microseconds.
   *
   * @param wall first span start to last span end
   * @param idle time in which no op computes
   * @param alone time in which exactly one op computes
   * @param together time in which two or more ops compute
   * @param aloneByType the time alone of each op type
   * @param ops spans in the step
   */
  public record Split(
      long wall, long idle, long alone, long together, Map<String, Long> aloneByType, long ops) {

    /** The empty split, to sum steps onto. */
    public static Split none() {
      return new Split(0, 0, 0, 0, Map.of(), 0);
    }

    /** This split and another added (two steps' time in all). */
    public Split plus(Split o) {
      Map<String, Long> by = new HashMap<>(aloneByType);
      o.aloneByType.forEach((k, v) -> by.merge(k, v, Long::sum));
      return new Split(
          wall + o.wall, idle + o.idle, alone + o.alone, together + o.together, by, ops + o.ops);
    }

    /** Op types by their time alone, most first. */
    public List<Map.Entry<String, Long>> aloneRanked() {
      List<Map.Entry<String, Long>> out = new ArrayList<>(aloneByType.entrySet());
      out.sort(
          Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
              .thenComparing(Map.Entry.comparingByKey()));
      return out;
    }
  }

  private StepTimeline() {}

  /** Splits one step's spans over their extent; spans of zero length count as ops, take no time. */
  public static Split of(List<Span> spans) {
    return of(spans, Long.MAX_VALUE, Long.MIN_VALUE);
  }

  /**
   * Splits one step's spans over {@code from} to {@code to} (widened to the spans' extent): the
   * step as the executor saw it, from the first op's scheduling to the last op's end, of which the
   * spans are the compute parts.
   */
  public static Split of(List<Span> spans, long from, long to) {
    if (spans.isEmpty()) {
      return Split.none();
    }
    long first = from;
    long last = to;
    // events: +1 at a start, -1 at an end; ends sort before starts at the same instant so that
    // an op that starts when another ends does not count as running with it
    List<long[]> events = new ArrayList<>(2 * spans.size());
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      first = Math.min(first, s.start());
      last = Math.max(last, s.end());
      if (s.end() > s.start()) {
        events.add(new long[] {s.start(), 1, i});
        events.add(new long[] {s.end(), -1, i});
      }
    }
    events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    long idle = 0;
    long alone = 0;
    long together = 0;
    Map<String, Long> aloneByType = new LinkedHashMap<>();
    Map<Integer, Span> active = new LinkedHashMap<>();
    long t = first;
    for (long[] e : events) {
      long dt = e[0] - t;
      if (dt > 0) {
        if (active.isEmpty()) {
          idle += dt;
        } else if (active.size() == 1) {
          alone += dt;
          aloneByType.merge(active.values().iterator().next().type(), dt, Long::sum);
        } else {
          together += dt;
        }
      }
      t = e[0];
      if (e[1] > 0) {
        active.put((int) e[2], spans.get((int) e[2]));
      } else {
        active.remove((int) e[2]);
      }
    }
    idle += last - t;
    return new Split(last - first, idle, alone, together, aloneByType, spans.size());
  }
}
