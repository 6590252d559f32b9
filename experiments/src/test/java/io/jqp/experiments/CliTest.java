package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jqp.experiments.cli.Jqp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line: bad arguments fail in one line before any output exists; a tiny run writes its
 * folder.
 */
class CliTest {

  record Outcome(int code, String err) {}

  static Outcome run(String... args) {
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Jqp.execute(args);
      return new Outcome(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }

  @Test
  void listPluginsNamesEveryStrategyWithItsOptionsAndEveryTask() {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Jqp.execute("list-plugins"));
    } finally {
      System.setOut(oldOut);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    for (String s :
        new String[] {
          "quantizers:",
          "  delayed — ",
          "  saturated — ",
          "pruners:",
          "  windowed — ",
          "schedules:",
          "  zhu-gupta — ",
          "tasks:",
          "  fashion-mnist — ",
          "  sr-x3 — ",
          "models: espcn (default espcn)"
        }) {
      assertTrue(text.contains(s), "'" + s + "' in\n" + text);
    }
  }

  static Stream<Arguments> badArguments() {
    return Stream.of(
        Arguments.of(List.of("--epochs", "0"), "epochs: must be in [1, 10000], got 0"),
        Arguments.of(List.of("--batch-size", "0"), "batchSize: must be in [1, 4096], got 0"),
        Arguments.of(
            List.of("--optimizer", "rmsprop"),
            "optimizer: unknown optimizer 'rmsprop'; known: adam, sgd"),
        Arguments.of(List.of("--lr", "-1"), "learningRate: must be in (0, 10), got -1.0"),
        Arguments.of(
            List.of("--lr-schedule", "linear"),
            "lrSchedule: must be constant, step or cosine, got 'linear'"),
        Arguments.of(List.of("--momentum", "1"), "momentum: must be in [0, 1), got 1.0"),
        Arguments.of(
            List.of("--bits", "1"), "bits: must be in [2, 32] (32 = full precision), got 1"),
        Arguments.of(List.of("--sparsity", "1.0"), "sparsity: must be in [0, 1), got 1.0"),
        Arguments.of(List.of("--threads", "0"), "threads: must be in [1, 256], got 0"),
        Arguments.of(
            List.of("--model", "resnet"),
            "model: unknown model 'resnet'; known: cnn3, espcn, mobilenet-v2, small-cnn"),
        Arguments.of(
            List.of("--task", "detection"),
            "task: unknown task 'detection'; known: fashion-mnist, sr-x3"),
        Arguments.of(
            List.of("--task", "sr-x3", "--model", "small-cnn"),
            "model: 'small-cnn' does not accept the input of task sr-x3 (image-to-image of [17, 17, 1]); compatible: espcn"),
        Arguments.of(
            List.of("--bits", "8", "--quantizer", "fixd"),
            "unknown quantizer 'fixd'; known: delayed, djpq, fixed, saturated, test-diverge, test-grid16"),
        Arguments.of(
            List.of("--sparsity", "0.5", "--pruner", "magnitde"),
            "unknown pruner 'magnitde'; known: magnitude, test-threshold, vib-gate, windowed"),
        Arguments.of(
            List.of("--data", "/nowhere"),
            "Fashion-MNIST file /nowhere/train-images-idx3-ubyte.gz is missing; install it with 'apt-get install dataset-fashion-mnist' or set --data to its folder"),
        Arguments.of(
            List.of("--task", "sr-x3", "--data", "/nowhere"),
            "photos: /nowhere/skimage/camera.png is missing; run scripts/setup (it copies the photos from the Debian packages opencv-doc and python3-skimage) or set data (--data) to the folder holding them"),
        Arguments.of(
            List.of("--train-limit", "10"), "trainLimit: must be at least batchSize (128), got 10"),
        Arguments.of(
            List.of("--preset", "p-then-q"),
            "preset: must be one of none, prune-then-quantize, quantize-then-prune, got 'p-then-q'"),
        Arguments.of(
            List.of("--prune-activations"),
            "pruneActivations: needs sparsity > 0 (set --sparsity)"),
        Arguments.of(List.of("--window", "0"), "window: must be in [1, 65536] samples, got 0"),
        Arguments.of(
            List.of("--tp", "-5"),
            "pruneStart: must be >= 0 steps (or -1 = from the preset), got -5"),
        Arguments.of(
            List.of("--prune-interval", "0"),
            "pruneInterval: must be >= 1 step (or -1 = from the preset), got 0"),
        Arguments.of(
            List.of("--bits", "8", "--tq-activations", "3", "--window", "2048"),
            "window: 2048 samples need activation t_q >= 16 steps at batch 128, but t_q is 3; lower window or raise activationDelay"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badArguments")
  void badArgumentsFailInOneLineBeforeAnyOutput(
      List<String> args, String message, @TempDir Path dir) {
    Path out = dir.resolve("run");
    String[] all =
        Stream.concat(Stream.of("train", "--out", out.toString()), args.stream())
            .toArray(String[]::new);
    Outcome o = run(all);
    assertEquals(2, o.code(), o.err());
    assertEquals("error: " + message, o.err().strip());
    assertTrue(!Files.exists(out), "no output folder is created");
  }

  @Test
  void unknownOptionIsAUsageError(@TempDir Path dir) {
    Outcome o = run("train", "--out", dir.resolve("r").toString(), "--epoch", "3");
    assertEquals(2, o.code());
    assertTrue(o.err().startsWith("error: Unknown options: '--epoch'"), o.err());
    assertTrue(o.err().contains("did you mean --epochs"), o.err());
    assertEquals(1, o.err().strip().lines().count(), "no usage text: " + o.err());
  }

  @Test
  void tinyRunWritesItsFolderAndRefusesToOverwriteIt(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    Path out = dir.resolve("run");
    String[] args = {
      "train",
      "--data",
      data.toString(),
      "--epochs",
      "2",
      "--batch-size",
      "64",
      "--bits",
      "8",
      "--sparsity",
      "0.5",
      "--lr",
      "0.003",
      "--threads",
      "1",
      "--out",
      out.toString()
    };
    Outcome o = run(args);
    assertEquals(0, o.code(), o.err());
    for (String f : new String[] {"config.yaml", "metrics.json", "layers.csv", "model.ckpt"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals(16, m.get("steps").asInt());
    assertTrue(m.get("metric").asDouble() > 50, "the stripes are learnable: " + m.get("metric"));
    assertTrue(m.get("images_per_second").asDouble() > 0);
    assertTrue(m.get("seconds").asDouble() > 0);
    List<String> rows = Files.readAllLines(out.resolve("layers.csv"));
    assertEquals("name,layer,kind,layer_kind,bits,d,sparsity,numel,quantizer,pruner", rows.get(0));
    assertEquals(8, rows.size(), "7 sites: 4 weight sites and the 3 hidden activations");
    assertTrue(rows.get(1).startsWith("conv1/weight,conv1,weight,conv2d,8,"), rows.get(1));
    assertTrue(
        rows.stream()
            .anyMatch(r -> r.startsWith("conv2/weight,") && r.contains(",0.500000,18432,")),
        String.join("\n", rows));
    assertTrue(Files.readString(out.resolve("config.yaml")).contains("bits: 8"));
    byte[] before = Files.readAllBytes(out.resolve("metrics.json"));
    Outcome again = run(args);
    assertEquals(2, again.code());
    assertTrue(again.err().contains("already holds a run"), again.err());
    assertEquals(
        new String(before, StandardCharsets.UTF_8),
        Files.readString(out.resolve("metrics.json")),
        "nothing overwritten");
  }
}
