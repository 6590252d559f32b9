package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import io.jqp.experiments.run.Runner;
import io.jqp.experiments.run.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJPQ through the runner on synthetic data: the BOPs weight β trades BOPs away, and the reports
 * say how.
 */
@Tag("slow")
class DjpqRunTest {

  private static JsonNode run(Path data, Path out, double beta) throws Exception {
    TrainConfig c =
        TrainConfig.defaults()
            .copy(
                Map.of(
                    "data",
                    data.toString(),
                    "epochs",
                    6,
                    "batchSize",
                    32,
                    "testLimit",
                    200,
                    "method",
                    "djpq",
                    "beta",
                    beta,
                    "learningRate",
                    0.01,
                    "lrSchedule",
                    "constant"));
    new Runner(Plugins.load()).run(c, out);
    return new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
  }

  @Test
  void raisingBetaLowersTheFinalBops(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    JsonNode none = run(data, dir.resolve("beta0"), 0);
    JsonNode high = run(data, dir.resolve("beta20"), 20);
    double g0 = none.get("extras").get("gbops").asDouble();
    double g1 = high.get("extras").get("gbops").asDouble();
    assertTrue(g1 < 0.8 * g0, "β = 20 gives " + g1 + " GBOPs, β = 0 gives " + g0);
    assertTrue(
        high.get("extras").get("bop_reduction").asDouble()
            > none.get("extras").get("bop_reduction").asDouble());
    // the per-layer report: kept channels, bits of weights and activations, BOPs
    List<String> bops = Files.readAllLines(dir.resolve("beta20/bops.csv"));
    assertEquals(
        "layer,macs,weight_bits,weight_density,activation_bits,kept_channels,channels,bops",
        bops.get(0));
    assertEquals(5, bops.size(), String.join("\n", bops));
    assertTrue(bops.get(1).startsWith("conv1,225792,"), bops.get(1));
    // over training: bits and kept channels sampled about 40 times, the last sample equal to the
    // final report, and plotted
    List<String> history = Files.readAllLines(dir.resolve("beta20/history.csv"));
    assertEquals(
        "step,layer,weight_bits,activation_bits,weight_density,kept_channels,channels,bops",
        history.get(0));
    long steps = high.get("steps").asLong();
    List<Long> sampled =
        history.stream().skip(1).map(l -> Long.parseLong(l.split(",")[0])).distinct().toList();
    assertTrue(
        sampled.size() >= 20 && sampled.get(sampled.size() - 1) == steps, sampled.toString());
    String[] lastConv1 =
        history.stream()
            .filter(l -> l.startsWith(steps + ",conv1,"))
            .findFirst()
            .orElseThrow()
            .split(",");
    String[] finalConv1 = bops.get(1).split(",");
    assertEquals(
        Double.parseDouble(finalConv1[2]), Double.parseDouble(lastConv1[2]), 1e-9, "weight bits");
    assertEquals(
        Double.parseDouble(finalConv1[5]), Double.parseDouble(lastConv1[5]), 1e-9, "kept channels");
    List<String> firstSample =
        history.stream().filter(l -> l.startsWith(sampled.get(0) + ",")).toList();
    assertTrue(
        !firstSample.equals(
            history.stream().filter(l -> l.startsWith(steps + ",")).toList().stream()
                .map(l -> sampled.get(0) + l.substring(l.indexOf(',')))
                .toList()),
        "bits or channels move over training");
    assertTrue(Files.size(dir.resolve("beta20/history.png")) > 1000);
    assertTrue(Files.size(dir.resolve("beta20/channels.png")) > 1000);
  }

  @Test
  void djpqRefusesElementwisePruningSettings() {
    assertEquals(
        "method: djpq prunes channels with its gates; set sparsity 0 and pruneActivations false",
        org.junit.jupiter.api.Assertions.assertThrows(
                JqpException.class,
                () -> TrainConfig.defaults().copy(Map.of("method", "djpq", "sparsity", 0.5)))
            .getMessage());
  }
}
