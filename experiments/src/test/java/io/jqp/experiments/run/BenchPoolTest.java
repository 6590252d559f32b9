package io.jqp.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.JqpException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several benches' rounds pooled: paired within their invocation, intervals over all rounds. */
class BenchPoolTest {

  /** A bench file: FP32 and one W+A arm, whole runs and steady blocks, with or without steal. */
  static String bench(
      String model, double[] fp32, double[] wa, double[] fpSteal, double[] waSteal, boolean cpu) {
    StringBuilder runs = new StringBuilder();
    runs.append("{\"model\":\"small-cnn\",\"epochs\":4,\"threads\":2,\"arms\":[");
    runs.append(runArm("FP32", fp32, fpSteal, cpu)).append(',');
    runs.append(runArm("W+A P→Q", wa, waSteal, cpu)).append("]}");
    StringBuilder blocks = new StringBuilder();
    blocks.append("[");
    for (int i = 0; i < wa.length; i++) {
      blocks.append(i == 0 ? "" : ",").append(wa[i] / fp32[i]);
    }
    blocks.append("]");
    String steps =
        "{\"model\":\""
            + model
            + "\",\"batchSize\":128,\"threads\":2,\"arms\":["
            + "{\"name\":\"FP32\",\"interval\":{\"perRound\":"
            + ones(wa.length)
            + "}"
            + (waSteal == null ? "" : ",\"stolenPercent\":" + list(fpSteal))
            + "},{\"name\":\"W+A\",\"interval\":{\"perRound\":"
            + blocks
            + "}"
            + (cpu ? ",\"cpuInterval\":{\"perRound\":" + ones(wa.length) + "}" : "")
            + (waSteal == null ? "" : ",\"stolenPercent\":" + list(waSteal))
            + "}]}";
    return "{\"steps\":" + steps + ",\"runs\":" + runs + "}";
  }

  private static String runArm(String name, double[] secs, double[] steal, boolean cpu) {
    return "{\"name\":\""
        + name
        + "\",\"runSeconds\":"
        + list(secs)
        + (cpu ? ",\"cpuSeconds\":" + list(secs) : "")
        + (steal == null ? "" : ",\"stolenPercent\":" + list(steal))
        + "}";
  }

  private static String list(double[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      s.append(i == 0 ? "" : ",").append(v[i]);
    }
    return s.append("]").toString();
  }

  private static String ones(int n) {
    double[] v = new double[n];
    java.util.Arrays.fill(v, 1.0);
    return list(v);
  }

  /** Three rounds with CPU time and steal: P→Q 1.03, 1.05, 1.04× FP32. */
  private static String threeRounds() {
    return bench(
        "small-cnn",
        new double[] {100, 100, 100},
        new double[] {103, 105, 104},
        new double[] {10, 10, 10},
        new double[] {10, 20, 15},
        true);
  }

  @Test
  void roundsPoolPairedWithinTheirInvocation(@TempDir Path dir) throws Exception {
    // the second invocation ran on a machine twice as slow: its rounds pair with its own FP32 runs
    Path a = Files.writeString(dir.resolve("a.json"), threeRounds());
    Path b =
        Files.writeString(
            dir.resolve("b.json"),
            bench(
                "small-cnn",
                new double[] {200, 200},
                new double[] {206, 212},
                new double[] {10, 10},
                new double[] {10, 30},
                true));
    BenchPool.Result r = BenchPool.of(List.of(a, b));
    BenchPool.Arm run = r.runs().get(0);
    assertEquals("W+A P→Q", run.name());
    assertEquals(5, run.wall().rounds());
    assertEquals((1.03 + 1.05 + 1.04 + 1.03 + 1.06) / 5, run.wall().mean(), 1e-12);
    assertEquals(List.of(1.03, 1.05, 1.04, 1.03, 1.06), run.wall().perRound());
    assertNotNull(run.cpu());
    assertEquals(run.wall().mean(), run.cpu().mean(), 1e-12, "CPU seconds written as the wall's");
    assertNotNull(run.atEqualSteal());
    // log ratios: 0 steal difference -> ~1.03 in both files; the fit reads the ratio there
    assertEquals(1.03, run.atEqualSteal().ratio(), 0.003);
    assertEquals(5, run.atEqualSteal().rounds());
    BenchPool.Arm steps = r.steps().get(0);
    assertEquals(5, steps.wall().rounds());
    assertEquals(run.wall().mean(), steps.wall().mean(), 1e-12);
    assertNotNull(steps.atEqualSteal());
    assertTrue(r.markdown().contains("| W+A P→Q | 2 | 5 | 1.042×"), r.markdown());
  }

  @Test
  void cpuAndStealArePooledOnlyWhereEveryFileMeasuredThem(@TempDir Path dir) throws Exception {
    Path now = Files.writeString(dir.resolve("now.json"), threeRounds());
    Path old =
        Files.writeString(
            dir.resolve("old.json"),
            bench(
                "small-cnn", new double[] {100, 100}, new double[] {104, 102}, null, null, false));
    BenchPool.Result r = BenchPool.of(List.of(now, old));
    assertEquals(5, r.runs().get(0).wall().rounds());
    assertNull(r.runs().get(0).cpu());
    assertNull(r.runs().get(0).atEqualSteal());
    assertNull(r.steps().get(0).cpu());
    assertTrue(r.markdown().contains("not measured"));
  }

  @Test
  void benchesOfAnotherSettingAreRefused(@TempDir Path dir) throws Exception {
    double[] t = {100, 100, 100};
    Path a = Files.writeString(dir.resolve("a.json"), bench("small-cnn", t, t, t, t, true));
    Path b = Files.writeString(dir.resolve("b.json"), bench("mobilenet-v2", t, t, t, t, true));
    JqpException e = assertThrows(JqpException.class, () -> BenchPool.of(List.of(a, b)));
    assertTrue(e.getMessage().contains("b.json is a bench of another setting"), e.getMessage());
    Path empty = Files.writeString(dir.resolve("e.json"), "{\"steps\":{\"arms\":[]}}");
    e = assertThrows(JqpException.class, () -> BenchPool.of(List.of(a, empty)));
    assertTrue(e.getMessage().contains("has no \"steps\" arms"), e.getMessage());
  }
}
