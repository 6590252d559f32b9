package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.Recipe;
import io.jqp.plugins.Pruners;
import io.jqp.plugins.Quantizers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The engine proof for GANs: two networks in one graph through the public API, a generator whose
 * weights and activations are quantized to 8 bits (and its middle layer's weights pruned 50 %) and
 * a full-precision discriminator, two Adam optimizers, alternating steps. On 1-D data drawn from
 * N(3, 0.5²) the generator, which starts near 0, must learn to produce samples whose mean is near
 * 3.
 */
class AdversarialToyTest {
  private static final int B = 64;

  private static TfMultiNetwork.Definition gan(Recipe generatorRecipe) {
    return b -> {
      Ops tf = b.tf();
      Operand<TFloat32> z = b.input("z", 4);
      Operand<TFloat32> real = b.input("real", 1);
      TfNetwork g = b.network("generator", generatorRecipe);
      Operand<TFloat32> h = g.relu(g.activationSite("g1", g.dense("g1", z, 16, true)));
      h = g.relu(g.activationSite("g2", g.dense("g2", h, 16, true)));
      Operand<TFloat32> fake = g.dense("g3", h, 1, true);
      TfNetwork d = b.network("discriminator", Recipe.fullPrecision());
      Operand<TFloat32> x = tf.concat(List.of(real, fake), tf.constant(0));
      Operand<TFloat32> e = d.leakyRelu(d.dense("d1", x, 16, true), 0.2f);
      e = d.leakyRelu(d.dense("d2", e, 16, true), 0.2f);
      Operand<TFloat32> logits = d.dense("d3", e, 1, true);
      float[] labels = new float[2 * B];
      java.util.Arrays.fill(labels, 0, B, 1f);
      Operand<TFloat32> dLoss =
          tf.math.mean(
              sigmoidCrossEntropy(
                  tf,
                  tf.constant(
                      org.tensorflow.ndarray.Shape.of(2 * B, 1),
                      org.tensorflow.ndarray.buffer.DataBuffers.of(labels, true, false)),
                  logits),
              tf.constant(new int[] {0, 1}));
      Operand<TFloat32> fakeLogits =
          tf.slice(logits, tf.constant(new int[] {B, 0}), tf.constant(new int[] {B, 1}));
      Operand<TFloat32> gLoss =
          tf.math.mean(
              sigmoidCrossEntropy(
                  tf, tf.fill(tf.constant(new int[] {B, 1}), tf.constant(1f)), fakeLogits),
              tf.constant(new int[] {0, 1}));
      Optimizer adam = Optimizer.adam(LearningRate.constant(2e-3));
      b.step("discriminator", dLoss, adam, d);
      b.step("generator", gLoss, adam, g);
      b.output("fake", fake);
    };
  }

  /** max(l, 0) − l·y + log(1 + e^−|l|): the numerically stable logistic loss on logits. */
  private static Operand<TFloat32> sigmoidCrossEntropy(
      Ops tf, Operand<TFloat32> labels, Operand<TFloat32> logits) {
    return tf.math.add(
        tf.math.sub(tf.nn.relu(logits), tf.math.mul(logits, labels)),
        tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
  }

  private static Map<String, float[]> batch(Random r) {
    float[] z = new float[B * 4];
    float[] real = new float[B];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < B; i++) {
      real[i] = (float) (3 + 0.5 * r.nextGaussian());
    }
    return Map.of("z", z, "real", real);
  }

  private static double mean(float[] a) {
    double s = 0;
    for (float v : a) {
      s += v;
    }
    return s / a.length;
  }

  @Test
  void aQuantizedGeneratorLearnsTheDataMeanAgainstAFullPrecisionDiscriminator(@TempDir Path dir)
      throws Exception {
    Recipe recipe =
        Recipe.fullPrecision()
            .withWeightQuantizer(Quantizers.fixed(8))
            .withActivationQuantizer(Quantizers.fixed(8))
            .withWeightPruner(Pruners.magnitude(0.5));
    try (TfMultiNetwork gan = TfMultiNetwork.build(gan(recipe), 7, 1, B, "toy-gan")) {
      assertEquals(List.of("discriminator", "generator"), gan.steps());
      Random r = new Random(11);
      Map<String, float[]> probe = batch(new Random(99));
      double before = mean(gan.fetch("fake", B, probe));
      for (int i = 0; i < 600; i++) {
        Map<String, float[]> feeds = batch(r);
        gan.run("discriminator", B, feeds);
        gan.run("generator", B, feeds);
      }
      double after = mean(gan.fetch("fake", B, probe));
      assertTrue(
          Math.abs(before - 3) > 1, "the generator starts away from the data: mean " + before);
      assertEquals(
          3.0, after, 0.5, "the generator's samples move to the data's mean (from " + before + ")");
      assertEquals(600, gan.count("generator"));

      Map<String, Map<String, Double>> sites = new java.util.LinkedHashMap<>();
      gan.siteReports("generator").forEach(s -> sites.put(s.site().name(), s.values()));
      assertEquals(
          List.of("g1/weight", "g1/activation", "g2/weight", "g2/activation", "g3/weight"),
          List.copyOf(sites.keySet()));
      sites
          .values()
          .forEach(
              v ->
                  assertEquals(
                      8.0, v.get("bits"), "every generator site is quantized to 8 bits: " + sites));
      assertEquals(
          0.5,
          sites.get("g2/weight").get("sparsity"),
          1.0 / 256,
          "the middle layer's weights are pruned");
      assertTrue(
          gan.siteReports("discriminator").stream().allMatch(s -> !s.values().containsKey("bits")),
          "the discriminator stays full precision");

      // a checkpoint restores both networks, both optimizers and the step counts
      Path ckpt = dir.resolve("gan.ckpt");
      gan.save(ckpt);
      float[] saved = gan.fetch("fake", B, probe);
      for (int i = 0; i < 5; i++) {
        gan.run("discriminator", B, batch(r));
        gan.run("generator", B, batch(r));
      }
      gan.restore(ckpt);
      assertArrayEquals(saved, gan.fetch("fake", B, probe));
      assertEquals(600, gan.count("generator"));
    }
  }
}
