package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strategies written in tests (a Java lambda, a Kotlin class) are found by ServiceLoader and used
 * in a run by id.
 */
class UserPluginsTest {

  @Test
  void serviceLoaderFindsThemBesideTheShippedOnes() {
    Plugins p = Plugins.load();
    assertTrue(p.quantizers().containsKey("test-grid16"));
    assertTrue(p.quantizers().containsKey("fixed"));
    assertTrue(p.pruners().containsKey("test-threshold"));
  }

  @Test
  void aRunUsesThemByIdFromTheCommandLine(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 256, 100);
    Path out = dir.resolve("run");
    int q0 = LambdaQuantizerProvider.SITES.get();
    int p0 = ThresholdPruner.Companion.getSITES().get();
    CliTest.Outcome o =
        CliTest.run(
            "train",
            "--data",
            data.toString(),
            "--epochs",
            "1",
            "--batch-size",
            "64",
            "--threads",
            "1",
            "--bits",
            "8",
            "--quantizer",
            "test-grid16",
            "--sparsity",
            "0.5",
            "--pruner",
            "test-threshold",
            "--out",
            out.toString());
    assertEquals(0, o.code(), o.err());
    // a model asks its strategies once per build: here the training and the evaluation build
    assertEquals(
        2 * 7, LambdaQuantizerProvider.SITES.get() - q0, "4 weight + 3 activation sites, twice");
    assertEquals(
        2 * 2,
        ThresholdPruner.Companion.getSITES().get() - p0,
        "weights of conv2 and fc1 (first and last excluded), twice");
    List<String> layers = Files.readAllLines(out.resolve("layers.csv"));
    assertTrue(
        layers.stream()
            .anyMatch(
                l ->
                    l.startsWith("conv2/weight,")
                        && l.contains("ThresholdPruner(0.05)")
                        && l.contains(",16,")),
        String.join("\n", layers));
  }
}
