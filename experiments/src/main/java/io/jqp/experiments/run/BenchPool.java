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
import org.jspecify.annotations.Nullable;

/**
 * The rounds of several {@code jqp bench --json} files pooled, as if one invocation had run them
 * all: each round's ratio stays paired within its own invocation (an arm over the FP32 run or block
 * of the same round), and the intervals are recomputed over every round of every file. Files must
 * come from benches of the same setting (model, epochs, batch, threads); an arm is pooled over the
 * files that have it. CPU time and the ratio at equal steal are pooled where every one of those
 * files measured them (benches before they were added did not), and reported "not measured"
 * otherwise.
 */
public final class BenchPool {

  /** One arm over the pooled rounds. */
  public record Arm(
      String name,
      int files,
      RatioInterval wall,
      @Nullable RatioInterval cpu,
      @Nullable EqualStealRatio atEqualSteal) {}

  /** The pooled whole runs and steady-state blocks; either list is empty where no file has it. */
  public record Result(List<String> files, String setting, List<Arm> runs, List<Arm> steps) {

    public String markdown() {
      StringBuilder s = new StringBuilder();
      s.append("Pooled: ").append(String.join(", ", files)).append(" (").append(setting);
      s.append(")\n");
      table(s, "Whole runs, run time / FP32", runs);
      table(s, "Steady-state blocks, step time / FP32", steps);
      s.append(
          "\nEach interval is Student's t 95 % over every pooled round's paired ratio (an arm over"
              + " FP32 in the same round of the same invocation); at equal steal: each round's log"
              + " ratio fitted against the difference of the two spans' stolen shares, read where it"
              + " is zero.\n");
      return s.toString();
    }

    private static void table(StringBuilder s, String title, List<Arm> arms) {
      if (arms.isEmpty()) {
        return;
      }
      s.append("\n").append(title).append(":\n\n");
      s.append(
          "| arm | files | rounds | per round: mean [95 % CI] | CPU time per round | at equal"
              + " steal |\n|---|---|---|---|---|---|\n");
      for (Arm a : arms) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %s | %s | %s |%n",
                a.name(),
                a.files(),
                a.wall().rounds(),
                a.wall().markdown(),
                RatioInterval.markdown(a.cpu()),
                EqualStealRatio.markdown(a.atEqualSteal())));
      }
    }
  }

  private BenchPool() {}

  /**
   * Reads and pools the files.
   *
   * @throws JqpException naming the file and what is wrong with it: missing, not a bench's JSON, or
   *     a bench of another setting than the first file's
   */
  public static Result of(List<Path> files) {
    if (files.size() < 2) {
      throw new JqpException("--pool: give two or more bench JSON files, got " + files.size());
    }
    List<JsonNode> roots = new ArrayList<>();
    for (Path f : files) {
      roots.add(read(f));
    }
    String runSetting = null;
    String stepSetting = null;
    for (int i = 0; i < files.size(); i++) {
      JsonNode r = roots.get(i).path("runs");
      if (!r.isMissingNode()) {
        String set =
            String.format(
                Locale.ROOT,
                "whole runs: %s, %d epochs, %d threads, %s",
                r.path("model").asText(),
                r.path("epochs").asInt(),
                r.path("threads").asInt(),
                r.path("slice").asInt() > 0
                    ? "in turns of " + r.path("slice").asInt() + " steps"
                    : "one after another");
        runSetting = same(runSetting, set, files.get(i), files.get(0));
      }
      JsonNode st = roots.get(i).path("steps");
      String set =
          String.format(
              Locale.ROOT,
              "steps: %s, batch %d, %d threads",
              st.path("model").asText(),
              st.path("batchSize").asInt(),
              st.path("threads").asInt());
      stepSetting = same(stepSetting, set, files.get(i), files.get(0));
    }
    List<JsonNode> runs = new ArrayList<>();
    List<JsonNode> steps = new ArrayList<>();
    for (JsonNode root : roots) {
      if (root.has("runs")) {
        runs.add(root.get("runs"));
      }
      steps.add(root.get("steps"));
    }
    String setting = (runSetting == null ? "" : runSetting + "; ") + stepSetting;
    return new Result(
        files.stream().map(Path::toString).toList(), setting, poolRuns(runs), poolSteps(steps));
  }

  private static String same(@Nullable String seen, String now, Path file, Path first) {
    if (seen != null && !seen.equals(now)) {
      throw new JqpException(
          "--pool: "
              + file
              + " is a bench of another setting ("
              + now
              + ") than "
              + first
              + " ("
              + seen
              + "); pool invocations of the same bench only");
    }
    return now;
  }

  private static JsonNode read(Path f) {
    if (!Files.isRegularFile(f)) {
      throw new JqpException("--pool: " + f + " does not exist; give a file written by --json");
    }
    JsonNode root;
    try {
      root = Bench.JSON.readTree(Files.readString(f));
    } catch (IOException e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new JqpException("--pool: " + f + " is not JSON (" + why + ")");
    }
    JsonNode steps = root == null ? null : root.get("steps");
    if (steps == null || !steps.path("arms").isArray() || steps.path("arms").isEmpty()) {
      throw new JqpException(
          "--pool: " + f + " has no \"steps\" arms; give a file written by jqp bench --json");
    }
    return root;
  }

  /** Arm name to its node in each file that has it (null where one does not), FP32 first. */
  private static Map<String, List<@Nullable JsonNode>> byName(List<JsonNode> results) {
    Map<String, List<@Nullable JsonNode>> out = new LinkedHashMap<>();
    for (int i = 0; i < results.size(); i++) {
      for (JsonNode arm : results.get(i).path("arms")) {
        List<@Nullable JsonNode> per =
            out.computeIfAbsent(
                arm.path("name").asText(),
                k -> {
                  List<@Nullable JsonNode> l = new ArrayList<>();
                  for (int j = 0; j < results.size(); j++) {
                    l.add(null);
                  }
                  return l;
                });
        per.set(i, arm);
      }
    }
    return out;
  }

  /** An arm's values and the baseline's of the same rounds, from one file. */
  private record Paired(List<Double> arm, List<Double> base) {}

  /**
   * Reads one series of an arm and of FP32 from one file; null where that file did not measure it.
   */
  private interface Series {
    @Nullable Paired of(JsonNode arm, JsonNode base);
  }

  /** Times of each round, arm and baseline alike (whole runs' seconds, stolen shares). */
  private static Series times(String field) {
    return (a, b) ->
        a.has(field) && b.has(field) ? new Paired(numbers(a, field), numbers(b, field)) : null;
  }

  /** Ratios to the baseline already taken per round (steady blocks): the baseline is 1. */
  private static Series ratios(String interval) {
    return (a, b) -> {
      if (!a.path(interval).has("perRound")) {
        return null;
      }
      List<Double> r = numbers(a.path(interval), "perRound");
      return new Paired(r, r.stream().map(v -> 1.0).toList());
    };
  }

  private static List<Arm> poolRuns(List<JsonNode> results) {
    return pool(results, times("runSeconds"), times("cpuSeconds"));
  }

  private static List<Arm> poolSteps(List<JsonNode> results) {
    return pool(results, ratios("interval"), ratios("cpuInterval"));
  }

  /**
   * Every arm but FP32 over the files that have both: wall and CPU series concatenated, CPU and
   * steal only where every one of those files measured them.
   */
  private static List<Arm> pool(List<JsonNode> results, Series wall, Series cpu) {
    List<Arm> out = new ArrayList<>();
    if (results.isEmpty()) {
      return out;
    }
    Map<String, List<@Nullable JsonNode>> arms = byName(results);
    List<@Nullable JsonNode> base = arms.get("FP32");
    if (base == null) {
      throw new JqpException("--pool: no FP32 arm in the files; give files written by jqp bench");
    }
    Series steal = times("stolenPercent");
    for (Map.Entry<String, List<@Nullable JsonNode>> e : arms.entrySet()) {
      if (e.getValue() == base) {
        continue;
      }
      List<@Nullable Paired> walls = new ArrayList<>();
      List<@Nullable Paired> cpus = new ArrayList<>();
      List<@Nullable Paired> steals = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        JsonNode a = e.getValue().get(i);
        JsonNode b = base.get(i);
        if (a != null && b != null) {
          walls.add(wall.of(a, b));
          cpus.add(cpu.of(a, b));
          steals.add(steal.of(a, b));
        }
      }
      Paired w = concat(walls);
      if (w == null) {
        continue;
      }
      Paired c = concat(cpus);
      Paired st = concat(steals);
      out.add(
          new Arm(
              e.getKey(),
              walls.size(),
              RatioInterval.of(w.arm(), w.base()),
              c == null ? null : RatioInterval.ofMeasured(c.arm(), c.base()),
              st == null ? null : EqualStealRatio.of(w.arm(), w.base(), st.arm(), st.base())));
    }
    return out;
  }

  /** The files' series end to end; null where there is none or one file lacks it. */
  private static @Nullable Paired concat(List<@Nullable Paired> parts) {
    if (parts.isEmpty()) {
      return null;
    }
    List<Double> arm = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    for (Paired p : parts) {
      if (p == null) {
        return null;
      }
      arm.addAll(p.arm());
      base.addAll(p.base());
    }
    return new Paired(arm, base);
  }

  private static List<Double> numbers(JsonNode node, String field) {
    List<Double> out = new ArrayList<>();
    for (JsonNode v : node.path(field)) {
      out.add(v.isNumber() ? v.asDouble() : Double.NaN);
    }
    return out;
  }
}
