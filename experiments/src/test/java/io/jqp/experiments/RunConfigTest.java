package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * YAML run configs with per-layer overrides; malformed ones fail naming the field before any
 * output.
 */
class RunConfigTest {

  @Test
  void overridesFromTheConfigFileReachTheSites(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 256, 100);
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(
        cfg,
        """
        epochs: 1
        batchSize: 64
        threads: 1
        bits: 8
        sparsity: 0.5
        data: %s
        overrides:
          - layers: "conv1"
            site: activation
            quantizer: fixed
            quantizerOptions: {bits: 4}
          - layers: "fc2"
            site: weight
            pruner: magnitude
            prunerOptions: {sparsity: 0.25}
        """
            .formatted(data));
    Path out = dir.resolve("run");
    CliTest.Outcome o = CliTest.run("run", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    List<String> layers = Files.readAllLines(out.resolve("layers.csv"));
    String all = String.join("\n", layers);
    assertTrue(
        layers.stream().anyMatch(l -> l.startsWith("conv1/activation,conv1,activation,conv2d,4,")),
        all);
    assertTrue(
        layers.stream().anyMatch(l -> l.startsWith("conv1/weight,conv1,weight,conv2d,8,")), all);
    assertTrue(
        layers.stream().anyMatch(l -> l.startsWith("fc2/weight,") && l.contains(",0.250000,1280,")),
        all);
    assertTrue(Files.readString(out.resolve("config.yaml")).contains("rules:"));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "epocs: 3|unknown key 'epocs'; known: activationDelay, batchSize, beta, bits, checkpointEvery, data, epochs",
        "epochs: three|epochs: must be a whole number, got \"three\"",
        "bits: 40|bits: must be in [2, 32] (32 = full precision), got 40",
        "overrides: [{layers: conv1, site: kernel, quantizer: fixed}]|overrides.site: must be weight, activation or both, got 'kernel'",
        "overrides: [{layers: conv1}]|overrides (layers 'conv1'): set a quantizer or a pruner id",
        "overrides: [{layers: conv1, quantizer: fixd}]|unknown quantizer 'fixd'; known: delayed, djpq, fixed, saturated, test-diverge, test-grid16",
        "overrides: [{layers: conv1, quantizer: fixed, quantizerOptions: {bitz: 4}}]|unknown option 'bitz' for quantizer 'fixed'; known:",
        "preset: [1, 2]|preset: must be text, got a list",
        "task: detection|task: unknown task 'detection'; known: fashion-mnist, sr-x3",
        "{task: sr-x3, model: small-cnn}|model: 'small-cnn' does not accept the input of task sr-x3 (image-to-image of [17, 17, 1]); compatible: espcn",
        "method: lsq|method: must be one of jqp, djpq, two-stage, got 'lsq'",
        "beta: -1|beta: must be in [0, 100], got -1.0",
        "{method: djpq, gamma: 200}|gamma: must be in [0, 100], got 200.0",
        "quantizerWindow: -3|quantizerWindow: must be in [1, 65536] samples (or 0 = window), got -3",
        "strategyLrScale: -2|strategyLrScale: must be in (0, 1000], got -2.0",
        "optimizer: rmsprop|optimizer: unknown optimizer 'rmsprop'; known: adam, sgd",
        "loss: mse|loss: 'mse' needs target values, but task fashion-mnist has class labels",
        "loss: hinge|loss: unknown loss 'hinge'; known: l1, mse, softmax-cross-entropy",
        "{task: sr-x3, loss: softmax-cross-entropy}|loss: 'softmax-cross-entropy' needs class labels, but task sr-x3 has target values",
        "modelOptions: {width: 9}|modelOptions.width: must be in [1, 8], got 9 (model 'small-cnn')",
        "modelOptions: {depth: 2}|unknown option 'depth' for model 'small-cnn'; known: width",
        "model: resnet|model: unknown model 'resnet'; known: cnn3, espcn, mobilenet-v2, small-cnn"
      })
  void malformedConfigsFailNamingTheField(String yaml, String message, @TempDir Path dir)
      throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, yaml + "\n");
    Path out = dir.resolve("run");
    CliTest.Outcome o = CliTest.run("run", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().startsWith("error: "), o.err());
    assertTrue(o.err().contains(message), o.err());
    assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
    assertTrue(!Files.exists(out));
  }

  @Test
  void aMissingConfigFileIsNamed(@TempDir Path dir) {
    CliTest.Outcome o =
        CliTest.run(
            "run",
            "--config",
            dir.resolve("nope.yaml").toString(),
            "--out",
            dir.resolve("r").toString());
    assertEquals(2, o.code());
    assertEquals(
        "error: --config " + dir.resolve("nope.yaml") + " does not exist", o.err().strip());
  }
}
