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

  @Test
  void aGuiceSwappedArmIsRecordedInItsConfigAndReRunsExactly(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 256, 100);
    io.jqp.experiments.run.TrainConfig base =
        io.jqp.experiments.run.TrainConfig.defaults()
            .copy(
                java.util.Map.of(
                    "data", data.toString(),
                    "epochs", 2,
                    "batchSize", 32,
                    "threads", 1,
                    "bits", 8,
                    "sparsity", 0.5,
                    "trainLimit", 256,
                    "pruneActivations", true,
                    "window", 64));
    var arm =
        com.google.inject.util.Modules.override(
                io.jqp.experiments.wiring.ArmModule.quantizeThenPrune(base),
                new io.jqp.experiments.wiring.StrategiesModule())
            .with(
                io.jqp.experiments.wiring.SwapModule.quantizer(
                    io.jqp.experiments.wiring.Roles.ACTIVATION_QUANTIZER,
                    "saturated",
                    java.util.Map.of("bits", 6, "delay", 3, "window", 64)));
    Path first = dir.resolve("first");
    com.google.inject.Guice.createInjector(arm)
        .getInstance(io.jqp.experiments.wiring.Experiment.class)
        .run(first);
    String config = Files.readString(first.resolve("config.yaml"));
    assertTrue(
        config.contains("roles:") && config.contains("activation-quantizer:"),
        "the swap is in the spec:\n" + config);
    Path again = dir.resolve("again");
    CliTest.Outcome o =
        CliTest.run(
            "run", "--config", first.resolve("config.yaml").toString(), "--out", again.toString());
    assertEquals(0, o.code(), o.err());
    assertEquals(config, Files.readString(again.resolve("config.yaml")));
    JsonNode a = new ObjectMapper().readTree(first.resolve("metrics.json").toFile());
    JsonNode b = new ObjectMapper().readTree(again.resolve("metrics.json").toFile());
    assertEquals(a.get("metric").asDouble(), b.get("metric").asDouble(), 0);
    assertEquals(a.get("test_loss").asDouble(), b.get("test_loss").asDouble(), 0);
    String layers = Files.readString(first.resolve("layers.csv"));
    assertEquals(layers, Files.readString(again.resolve("layers.csv")));
    assertTrue(
        layers.lines().anyMatch(l -> l.startsWith("conv2/activation,") && l.contains(",6,")),
        "the swapped 6-bit activation quantizer acted:\n" + layers);
  }

  @Test
  void aRoleBoundInCodeIsRecordedAndItsReRunRefusedInOneLine(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 64, 32);
    io.jqp.experiments.run.TrainConfig base =
        io.jqp.experiments.run.TrainConfig.defaults()
            .copy(
                java.util.Map.of(
                    "data", data.toString(), "epochs", 1, "batchSize", 32, "trainLimit", 64));
    var arm =
        com.google.inject.util.Modules.override(
                io.jqp.experiments.wiring.ArmModule.fp32(base),
                new io.jqp.experiments.wiring.StrategiesModule())
            .with(
                new com.google.inject.AbstractModule() {
                  @Override
                  protected void configure() {
                    bind(io.jqp.api.Quantizer.class)
                        .annotatedWith(
                            com.google.inject.name.Names.named(
                                io.jqp.experiments.wiring.Roles.WEIGHT_QUANTIZER))
                        .toInstance(io.jqp.plugins.Quantizers.fixed(8));
                  }
                });
    Path first = dir.resolve("first");
    com.google.inject.Guice.createInjector(arm)
        .getInstance(io.jqp.experiments.wiring.Experiment.class)
        .run(first);
    assertTrue(Files.readString(first.resolve("config.yaml")).contains("bound-in-code"));
    Path again = dir.resolve("again");
    CliTest.Outcome o =
        CliTest.run(
            "run", "--config", first.resolve("config.yaml").toString(), "--out", again.toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(
        o.err().strip().startsWith("error: roles.weight-quantizer: was bound in code"), o.err());
    assertEquals(1, o.err().strip().lines().count(), o.err());
    assertTrue(Files.notExists(again), "nothing written");
  }
}
