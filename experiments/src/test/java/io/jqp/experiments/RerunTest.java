package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished run's {@code config.yaml} is the resolved spec: {@code jqp run --config
 * RUN/config.yaml --out NEW} trains the same run again, per-layer overrides, a lambda quantizer and
 * a plugin model's options included, to the same metrics, losses and layers bit for bit.
 */
@Tag("slow")
class RerunTest {

  @Test
  void aRunFolderConfigReproducesTheRunExactly(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 256, 100);
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(
        cfg,
        String.join(
                "\n",
                "data: " + data,
                "epochs: 2",
                "batchSize: 32",
                "threads: 1",
                "bits: 8",
                "sparsity: 0.5",
                "trainLimit: 256",
                "preset: prune-then-quantize",
                "window: 64",
                "modelOptions: {width: 2}",
                "overrides: [{layers: conv2, site: weight, quantizer: test-grid16}, {layers: 'fc*', site: activation, quantizer: fixed, quantizerOptions: {bits: 4}}]")
            + "\n");
    Path first = dir.resolve("first");
    assertEquals(
        0, CliTest.run("run", "--config", cfg.toString(), "--out", first.toString()).code());
    Path again = dir.resolve("again");
    CliTest.Outcome o =
        CliTest.run(
            "run", "--config", first.resolve("config.yaml").toString(), "--out", again.toString());
    assertEquals(0, o.code(), o.err());
    assertEquals(
        Files.readString(first.resolve("config.yaml")),
        Files.readString(again.resolve("config.yaml")),
        "the same resolved spec");
    JsonNode a = new ObjectMapper().readTree(first.resolve("metrics.json").toFile());
    JsonNode b = new ObjectMapper().readTree(again.resolve("metrics.json").toFile());
    assertEquals(a.get("metric").asDouble(), b.get("metric").asDouble(), 0);
    assertEquals(a.get("test_loss").asDouble(), b.get("test_loss").asDouble(), 0);
    assertEquals(
        a.get("epochs").get(1).get("trainLoss").asDouble(),
        b.get("epochs").get(1).get("trainLoss").asDouble(),
        0);
    String layers = Files.readString(first.resolve("layers.csv"));
    assertEquals(layers, Files.readString(again.resolve("layers.csv")));
    assertTrue(
        layers.contains("conv2/weight,conv2,weight,conv2d,16,"),
        "the lambda override acted on conv2's weights:\n" + layers);
    assertTrue(
        layers.contains("\"test-grid16\""),
        "named by its spec id, not the JVM's lambda text:\n" + layers);
    assertTrue(
        layers.lines().anyMatch(l -> l.startsWith("fc1/activation,") && l.contains(",4,")),
        "fc1's activations at 4 bits:\n" + layers);
    assertTrue(layers.contains(",576,"), "width 2: conv1 has 3*3*1*64 weights:\n" + layers);
  }
}
