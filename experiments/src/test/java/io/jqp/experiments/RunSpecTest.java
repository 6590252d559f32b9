package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.experiments.run.ConfigIo;
import io.jqp.experiments.run.RunSpec;
import io.jqp.experiments.run.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The run spec: a YAML file in sections, the Java builder and (in RunSpecSpec) the Kotlin DSL give
 * the same spec; config.yaml is the spec, resolved; errors name the spec path; a strategy's own
 * options reach it from the spec.
 */
class RunSpecTest {
  static final String YAML =
      String.join(
          "\n",
          "model: {id: small-cnn, options: {width: 2}}",
          "optimization: {epochs: 2, seed: 3}",
          "quantization: {bits: 8, quantizer: {id: delayed}}",
          "pruning: {sparsity: 0.5, activations: true, window: 64}",
          "schedule: {preset: prune-then-quantize}",
          "rules:",
          "  - {layers: conv2, site: weight, quantizer: {id: fixed, options: {bits: 4}}}",
          "roles: {activation-quantizer: {id: saturated, options: {bits: 6}}}",
          "");

  @Test
  void aFileTheBuilderAndTheFlatFormGiveTheSameSpec(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, YAML);
    RunSpec fromFile = RunSpec.of(ConfigIo.load(file));
    RunSpec built =
        RunSpec.builder()
            .model("small-cnn", Map.of("width", 2))
            .epochs(2)
            .seed(3)
            .bits(8)
            .quantizer("delayed")
            .sparsity(0.5)
            .pruneActivations(true)
            .window(64)
            .preset("prune-then-quantize")
            .rule("conv2", "weight", "fixed", Map.of("bits", 4))
            .role("activation-quantizer", "saturated", Map.of("bits", 6))
            .build();
    assertEquals(fromFile, built);
    assertEquals(2, built.model().options().get("width"));
    assertEquals("fixed", built.rules().get(0).quantizer().id());
    TrainConfig flat = built.toConfig();
    assertEquals(64, flat.window());
    assertEquals(RunSpec.of(flat), built, "spec -> config -> spec is the identity");
  }

  @Test
  void armsAndSweepAxesOverridePartsOfASpecByPath(@TempDir Path dir) throws Exception {
    assertEquals(64, TrainConfig.defaults().copy(Map.of("pruning.window", 64)).window());
    TrainConfig adam =
        TrainConfig.defaults().copy(Map.of("optimization.optimizer.options", Map.of("beta1", 0.8)));
    assertEquals(0.8, adam.optimizerOptions().get("beta1"));
    assertEquals(RunSpec.of(adam), RunSpec.of(RunSpec.of(adam).toConfig()), "round trip");
    Path sweep = dir.resolve("sweep.yaml");
    Files.writeString(
        sweep,
        "base: {quantization: {bits: 8}, pruning: {sparsity: 0.5}}\naxes: {pruning.window: [64, 128]}\n");
    var points = io.jqp.experiments.run.Sweep.load(sweep).points();
    assertEquals(2, points.size());
    assertEquals(128, points.get(1).config().window());
    assertEquals(8, points.get(1).config().bits());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "pruning: {window: 0}|pruning.window: must be in [1, 65536] samples, got 0",
        "pruning: {windw: 3}|unknown key 'pruning.windw'; known in pruning: activations, pruner, sparsity, window",
        "{quantisation: {bits: 8}, pruning: {sparsity: 0.5}}|unknown key 'quantisation'; known: checkpoints, data, method, model, optimization, pruning, quantization, roles, rules, schedule",
        "model: {options: {width: 9}}|model.options.width: must be in [1, 8], got 9 (model 'small-cnn')",
        "optimization: {epochs: 0}|optimization.epochs: must be in [1, 10000], got 0",
        "quantization: {quantizer: {id: fixed, options: {bitz: 4}}, bits: 8}|unknown option 'bitz' for quantizer 'fixed'",
        "optimization: {optimizer: {id: adam, options: {betta: 0.95}}}|unknown option 'betta' for optimizer 'adam'; known: beta1, beta2, epsilon",
        "rules: [{layers: conv1, colour: red}]|unknown key 'rules.colour'; known in rules: layers, pruner, quantizer, site",
        "roles: {weight-quantiser: {id: fixed}}|roles: unknown role 'weight-quantiser'; known: weight-quantizer, weight-pruner, activation-quantizer, activation-pruner",
        "roles: {weight-quantizer: {id: fixd}}|unknown quantizer 'fixd'",
        "output: {folder: runs/a, plots: false}|unknown key 'output.plots'; known in output: folder",
        "output: {folder: ''}|output.folder: must be a folder path",
        "{data: {task: sr-x3}, model: {id: small-cnn}}|model.id: 'small-cnn' does not accept the input of task sr-x3"
      })
  void errorsNameTheSpecPath(String yaml, String message, @TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, yaml + "\n");
    Path out = dir.resolve("run");
    CliTest.Outcome o = CliTest.run("run", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(message), o.err());
    assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
    assertTrue(!Files.exists(out));
  }

  @Test
  void configYamlIsTheResolvedSpecAndAStrategysOptionsReachIt(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 256, 100);
    Path cfg = dir.resolve("spec.yaml");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "data: {path: " + data + ", trainLimit: 256}",
            "optimization: {epochs: 1, batchSize: 64, threads: 1}",
            "quantization: {bits: 8, quantizer: {id: fixed, options: {rounding: half-even}}}",
            "output: {folder: " + dir.resolve("run") + "}",
            ""));
    Path out = dir.resolve("run");
    // no --out: the spec's output section names the folder
    CliTest.Outcome o = CliTest.run("run", "--config", cfg.toString());
    assertEquals(0, o.code(), o.err());
    String written = Files.readString(out.resolve("config.yaml"));
    for (String section :
        new String[] {
          "data:",
          "model:",
          "optimization:",
          "quantization:",
          "pruning:",
          "schedule:",
          "method:",
          "rules:",
          "checkpoints:"
        }) {
      assertTrue(written.contains("\n" + section) || written.startsWith(section), written);
    }
    assertTrue(written.contains("weightDelay: 0"), "resolved schedule steps:\n" + written);
    assertTrue(!written.contains("output"), "where a run went is not part of what it is");
    assertTrue(
        Files.readString(out.resolve("layers.csv")).contains("withRounding(HALF_EVEN)"),
        "the quantizer's own option from the spec acted");
  }
}
