package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import io.jqp.experiments.run.ConfigIo;
import io.jqp.experiments.run.Runner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training process killed with SIGKILL at a random step and resumed from its checkpoint ends
 * exactly where the uninterrupted run of the same seed ends. The checkpoint restores every variable
 * bit for bit; the data order, the schedules and every random draw (dropout, DJPQ's gate noise:
 * stateless ops keyed by seed, op and step) are functions of the step; and each optimizer update
 * waits for every gradient, so a step does not depend on how TensorFlow schedules its ops. With
 * those, training on this machine's CPU kernels is bit-reproducible, and the test asks for equal
 * metrics, equal losses and equal bits and sparsity. A truncated newest checkpoint is skipped for
 * the one before it.
 */
@Tag("slow")
class ResumeTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"quantize-then-prune", "djpq", "lambda"})
  void aKilledRunResumesToTheUninterruptedResult(String recipe, @TempDir Path dir)
      throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    Path cfg = dir.resolve("run.yaml");
    List<String> lines =
        new java.util.ArrayList<>(
            List.of(
                "data: " + data,
                "epochs: 3",
                "batchSize: 32",
                "threads: 1",
                "bits: 8",
                "checkpointEvery: 3",
                "keepCheckpoints: 3"));
    lines.addAll(
        switch (recipe) {
          case "djpq" -> List.of("method: djpq", "beta: 2", "gateInit: -3", "strategyLrScale: 10");
          // a quantizer written as a Java lambda: its toString differs in every JVM, the spec's
          // fingerprint does not
          case "lambda" ->
              List.of(
                  "quantizer: test-grid16",
                  "sparsity: 0.5",
                  "overrides: [{layers: conv2, site: weight, quantizer: fixed, quantizerOptions: {bits: 4}}]");
          default ->
              List.of(
                  "sparsity: 0.5",
                  "pruneActivations: true",
                  "preset: quantize-then-prune",
                  "window: 64");
        });
    Files.writeString(cfg, String.join("\n", lines) + "\n");
    Path whole = dir.resolve("whole");
    new Runner(Plugins.load()).run(ConfigIo.load(cfg), whole);

    // the same run in another JVM, killed (SIGKILL) once it has checkpointed past a random step
    Path killed = dir.resolve("killed");
    long target = 6 + new Random().nextInt(30);
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.jqp.experiments.cli.Jqp",
                "run",
                "--config",
                cfg.toString(),
                "--out",
                killed.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("killed.log").toFile())
            .start();
    long newest = -1;
    long deadline = System.currentTimeMillis() + 300_000;
    while (p.isAlive() && newest < target && System.currentTimeMillis() < deadline) {
      newest = newestStep(killed);
      Thread.sleep(5);
    }
    p.destroyForcibly().waitFor();
    assertTrue(
        !Files.exists(killed.resolve("metrics.json")),
        "killed before the end (newest checkpoint at step " + newest + ", target " + target + ")");
    assertTrue(newest >= 3, "a checkpoint exists: " + Files.readString(dir.resolve("killed.log")));

    // the newest checkpoint truncated: resume uses the one before it, and the result is still the
    // same
    Path newestFile = killed.resolve("checkpoints/step-" + newestStep(killed) + ".ckpt");
    byte[] bytes = Files.readAllBytes(newestFile);
    Files.write(newestFile, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    new Runner(Plugins.load()).resume(killed);
    assertEquals(
        bytes.length / 2,
        Files.size(newestFile.resolveSibling(newestFile.getFileName() + ".unusable")),
        "the unusable checkpoint is kept aside, not overwritten");

    JsonNode a = new ObjectMapper().readTree(whole.resolve("metrics.json").toFile());
    JsonNode b = new ObjectMapper().readTree(killed.resolve("metrics.json").toFile());
    String where = " (killed at step " + newest + ")";
    assertEquals(a.get("metric").asDouble(), b.get("metric").asDouble(), 0, "accuracy" + where);
    assertEquals(
        a.get("test_loss").asDouble(), b.get("test_loss").asDouble(), 0, "test loss" + where);
    assertEquals(a.get("steps").asLong(), b.get("steps").asLong());
    for (int e = 0; e < 3; e++) {
      assertEquals(
          a.get("epochs").get(e).get("trainLoss").asDouble(),
          b.get("epochs").get(e).get("trainLoss").asDouble(),
          0,
          "train loss of epoch " + (e + 1) + where);
    }
    assertEquals(
        discrete(whole), discrete(killed), "bits and measured sparsity of every site" + where);
    assertEquals(
        Files.readString(whole.resolve("bops.csv")),
        Files.readString(killed.resolve("bops.csv")),
        "bits and kept channels per layer" + where);
    assertEquals(
        Files.readString(whole.resolve("history.csv")),
        Files.readString(killed.resolve("history.csv")),
        "history over training" + where);
  }

  @Test
  void resumeRefusesFoldersWithNothingToResume(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    assertEquals(
        "--out " + dir.resolve("empty") + " holds no run to resume (no config.yaml)",
        org.junit.jupiter.api.Assertions.assertThrows(
                JqpException.class, () -> new Runner(Plugins.load()).resume(dir.resolve("empty")))
            .getMessage());
    CliTest.Outcome o =
        CliTest.run("run", "--resume", "--config", "x.yaml", "--out", dir.toString());
    assertEquals(
        "error: --resume continues the run in --out with its own config; drop --config",
        o.err().strip());
  }

  /** name, bits and measured sparsity of every site, from layers.csv. */
  private static List<String> discrete(Path run) throws java.io.IOException {
    return Files.readAllLines(run.resolve("layers.csv")).stream()
        .map(
            l -> {
              String[] r = l.split(",", -1);
              return r[0] + "," + r[4] + "," + r[6];
            })
        .toList();
  }

  private static long newestStep(Path run) throws java.io.IOException {
    Path d = run.resolve("checkpoints");
    if (!Files.isDirectory(d)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(d)) {
      List<Long> steps =
          s.map(f -> f.getFileName().toString())
              .filter(n -> n.matches("step-\\d+\\.ckpt"))
              .map(n -> Long.parseLong(n.replaceAll("\\D", "")))
              .toList();
      return steps.stream().mapToLong(Long::longValue).max().orElse(-1);
    }
  }
}
