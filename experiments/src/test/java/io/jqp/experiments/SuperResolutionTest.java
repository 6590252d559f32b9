package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import io.jqp.experiments.data.Bicubic;
import io.jqp.experiments.data.Photos;
import io.jqp.experiments.run.Runner;
import io.jqp.experiments.run.TrainConfig;
import io.jqp.experiments.tasks.Tasks;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The super-resolution task: its resampling, luminance, data checks and a short run end to end. */
@Tag("slow")
class SuperResolutionTest {

  @Test
  void bicubicKeepsConstantsAndLinearRampsAndAveragesWhenShrinking() {
    float[] flat = new float[30 * 24];
    java.util.Arrays.fill(flat, 0.25f);
    for (float v : Bicubic.resize(flat, 30, 24, 10, 8)) {
      assertEquals(0.25f, v, 1e-6f);
    }
    // a horizontal ramp stays a ramp away from the borders (the cubic kernel reproduces linear
    // functions)
    int h = 4;
    int w = 12;
    float[] ramp = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        ramp[y * w + x] = x;
      }
    }
    float[] up = Bicubic.resize(ramp, h, w, h * 3, w * 3);
    for (int x = 6; x < w * 3 - 6; x++) {
      assertEquals((x + 0.5) / 3 - 0.5, up[5 * w * 3 + x], 1e-4, "ramp at x = " + x);
    }
    // shrinking ×3 anti-aliases: a 1-pixel checkerboard becomes its mean, not a sample of it
    float[] checker = new float[30 * 30];
    for (int i = 0; i < checker.length; i++) {
      checker[i] = ((i / 30 + i % 30) % 2 == 0) ? 1f : 0f;
    }
    float[] small = Bicubic.resize(checker, 30, 30, 10, 10);
    assertEquals(0.5, small[5 * 10 + 5], 0.1, "the stretched kernel averages the checkerboard");
    assertArrayEquals(
        flat, Bicubic.resize(flat, 30, 24, 30, 24), 1e-6f, "same size: the image itself");
  }

  @Test
  void luminanceFollowsBt601ForGreyAndColourImages(@TempDir Path dir) throws Exception {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(0, 0, 0, 100);
    grey.getRaster().setSample(1, 0, 0, 255);
    BufferedImage rgb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, (200 << 16) | (100 << 8) | 50);
    Files.createDirectories(dir.resolve("x"));
    ImageIO.write(grey, "png", dir.resolve("x/grey.png").toFile());
    ImageIO.write(rgb, "png", dir.resolve("x/rgb.png").toFile());
    Photos.Gray g = Photos.luminance(dir, new Photos.Entry("x/grey.png", false));
    assertEquals(
        (16 + 219.0 * 100 / 255) / 255,
        g.values()[0],
        1e-6,
        "the stored grey level, not a colour-space conversion of it");
    assertEquals(235.0 / 255, g.values()[1], 1e-6);
    Photos.Gray c = Photos.luminance(dir, new Photos.Entry("x/rgb.png", false));
    assertEquals(
        (16 + (65.481 * 200 + 128.553 * 100 + 24.966 * 50) / 255) / 255, c.values()[0], 1e-6);
  }

  @Test
  void switchingTaskTakesItsModelAndDataAndRejectsForeignModels() {
    TrainConfig sr = TrainConfig.defaults().copy(Map.of("task", "sr-x3"));
    assertEquals("espcn", sr.model());
    assertEquals(Tasks.byId("sr-x3").defaultData(), sr.data());
    assertEquals(
        "model: 'espcn' does not accept the input of task fashion-mnist (classification of [28, 28, 1]); compatible: cnn3, mobilenet-v2, small-cnn",
        assertThrows(
                JqpException.class, () -> TrainConfig.defaults().copy(Map.of("model", "espcn")))
            .getMessage());
    assertEquals(List.of("fashion-mnist", "sr-x3"), Tasks.ids());
    // the paper's SR schedule (200 epochs), scaled: Q-first weight t_q 140, activation t_q 150, t_p
    // 155, Δ 5
    TrainConfig.Timing t =
        sr.copy(Map.of("epochs", 20, "preset", "quantize-then-prune")).timing(10);
    assertEquals(new TrainConfig.Timing(140, 150, 155, 5, 4), t);
  }

  @Test
  void aShortRunReportsWholeImageAndPatchPsnrWithTiledActivationMasks(@TempDir Path dir)
      throws Exception {
    // generated photos with the manifest's names: the suite needs no Debian photo package
    Path photos = SyntheticPhotos.write(dir.resolve("photos"));
    Photos.checkPresent(photos);
    TrainConfig c =
        TrainConfig.defaults()
            .copy(
                Map.of(
                    "task",
                    "sr-x3",
                    "data",
                    photos.toString(),
                    "epochs",
                    2,
                    "batchSize",
                    32,
                    "trainLimit",
                    256,
                    "testLimit",
                    64))
            .copy(
                Map.of(
                    "bits",
                    8,
                    "sparsity",
                    0.5,
                    "pruneActivations",
                    true,
                    "window",
                    32,
                    "weightDelay",
                    4,
                    "activationDelay",
                    4,
                    "pruneStart",
                    2,
                    "pruneInterval",
                    2,
                    "pruneRepetitions",
                    2));
    Runner.Result r = new Runner(Plugins.load()).run(c, dir.resolve("run"));
    JsonNode m = new ObjectMapper().readTree(dir.resolve("run/metrics.json").toFile());
    assertEquals("sr-x3", m.get("task").asText());
    assertEquals("PSNR dB", m.get("metric_name").asText());
    JsonNode x = m.get("extras");
    for (String k :
        new String[] {
          "psnr_patches",
          "psnr_bicubic",
          "psnr_butterfly",
          "psnr_chicky_512",
          "psnr_astronaut",
          "psnr_chelsea",
          "psnr_coffee"
        }) {
      assertTrue(x.has(k), k + " in " + x);
    }
    double mean =
        (x.get("psnr_butterfly").asDouble()
                + x.get("psnr_chicky_512").asDouble()
                + x.get("psnr_astronaut").asDouble()
                + x.get("psnr_chelsea").asDouble()
                + x.get("psnr_coffee").asDouble())
            / 5;
    assertEquals(
        mean, r.metric(), 1e-9, "the metric is the mean PSNR over the five whole test images");
    assertTrue(
        x.get("psnr_bicubic").asDouble() > 25 && x.get("psnr_bicubic").asDouble() < 35,
        "bicubic x3 on Y: " + x.get("psnr_bicubic"));
    // activations counted at the butterfly's 85×85 input: conv1 64 channels unpruned, conv2 32
    // channels half pruned, 8 bits
    assertEquals(
        (64 * 85 * 85 * 8 + 32 * 85 * 85 * 8 * 0.5) / 1e6, m.get("activation_mb").asDouble(), 1e-9);
    assertEquals(
        r.metric() / Math.log(m.get("weight_mb").asDouble() + m.get("activation_mb").asDouble()),
        m.get("pd").asDouble(),
        1e-9);
    List<String> layers = Files.readAllLines(dir.resolve("run/layers.csv"));
    assertTrue(
        layers.stream()
            .anyMatch(l -> l.startsWith("conv2/activation,") && l.contains(",0.500000,")),
        String.join("\n", layers));
    assertFalse(
        layers.stream().anyMatch(l -> l.startsWith("conv1/") && l.contains(",0.500000,")),
        "the first layer is never pruned");
  }
}
