package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.JqpException;
import io.jqp.api.Recipe;
import io.jqp.plugins.Pruners;
import io.jqp.plugins.Quantizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Optimizer steps on tiny synthetic data, and checkpoints that really restore (weights, slots,
 * strategy state, step).
 */
class TrainingTest {
  static final TfModelDef TINY =
      (n, x) -> {
        return n.activationSite(
            "fc2",
            n.dense(
                "fc2",
                n.relu(n.activationSite("fc1", n.batchNorm("bn", n.dense("fc1", x, 16, false)))),
                3,
                true));
      };

  static TfModel.Batch data(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 6];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(3);
      for (int j = 0; j < 6; j++) {
        x[i * 6 + j] = (float) r.nextGaussian() * 0.5f + (j % 3 == y[i] ? 1.5f : 0f);
      }
    }
    return TfModel.Batch.classification(x, y);
  }

  static Recipe quantizedPruned() {
    return Recipe.fullPrecision()
        .withWeightQuantizer(Quantizers.fixed(8))
        .withActivationQuantizer(Quantizers.fixed(8))
        .withWeightPruner(Pruners.magnitude(0.5))
        .withPruneFirstAndLast(true);
  }

  static TfModel model(Recipe recipe, Optimizer opt) {
    return TfModel.build(
        TINY,
        new long[] {6},
        io.jqp.engine.tf.Losses.SOFTMAX_CROSS_ENTROPY,
        3,
        recipe,
        opt,
        42,
        1,
        64,
        "tiny|" + recipe);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sgd", "sgd-momentum", "adam"})
  void oneStepLowersTheLoss(String kind) {
    Optimizer opt =
        switch (kind) {
          case "sgd" -> Optimizer.sgd(LearningRate.constant(0.1), 0, 0);
          case "sgd-momentum" -> Optimizer.sgd(LearningRate.constant(0.05), 0.9, 1e-4);
          default -> Optimizer.adam(LearningRate.constant(0.01));
        };
    TfModel.Batch b = data(64, 1);
    try (TfModel m = model(Recipe.fullPrecision(), opt)) {
      double before = m.evaluate(b)[0];
      m.trainStep(b);
      double after = m.evaluate(b)[0];
      assertTrue(after < before, kind + ": loss " + before + " -> " + after);
      assertEquals(1, m.step());
    }
  }

  @Test
  void quantizedPrunedModelTrainsWithoutNaN() {
    TfModel.Batch b = data(128, 2);
    try (TfModel m = model(quantizedPruned(), Optimizer.adam(LearningRate.constant(0.01)))) {
      double first = m.trainStep(b);
      double last = first;
      for (int i = 0; i < 30; i++) {
        last = m.trainStep(b);
        assertTrue(Double.isFinite(last));
      }
      assertTrue(last < first, "loss " + first + " -> " + last);
      for (TfModel.SiteReport s : m.siteReports()) {
        assertEquals(8.0, s.values().get("bits"), s.site().name());
        if (s.site().kind() == io.jqp.api.SiteKind.WEIGHT) {
          assertEquals(0.5, s.values().get("sparsity"), 1.0 / s.site().numel(), s.site().name());
        }
      }
    }
  }

  @Test
  void saveRestoreGivesIdenticalOutputsAndContinuesIdentically(@TempDir Path dir)
      throws IOException {
    TfModel.Batch b = data(64, 3);
    Path ckpt = dir.resolve("m.ckpt");
    Optimizer opt = Optimizer.adam(LearningRate.cosine(0.01, 100));
    float[] expectedAfter;
    float[] saved;
    try (TfModel m = model(quantizedPruned(), opt)) {
      for (int i = 0; i < 5; i++) {
        m.trainStep(b);
      }
      m.save(ckpt);
      saved = m.predict(b.inputs(), b.size());
      m.trainStep(b);
      expectedAfter = m.predict(b.inputs(), b.size());
    }
    try (TfModel fresh = model(quantizedPruned(), opt)) {
      float[] before = fresh.predict(b.inputs(), b.size());
      assertTrue(!java.util.Arrays.equals(before, saved), "a fresh model differs before restore");
      fresh.restore(ckpt);
      assertEquals(5, fresh.step());
      assertArrayEquals(saved, fresh.predict(b.inputs(), b.size()), 0f);
      Map<String, TfCheckpoint.Entry> vars = fresh.variableValues();
      assertTrue(vars.containsKey("fc1/weight/pruner/mask"), vars.keySet().toString());
      assertTrue(vars.containsKey("fc1/activation/quantizer/d"));
      assertTrue(vars.containsKey("optimizer/fc1/kernel/m"));
      fresh.trainStep(b);
      assertArrayEquals(
          expectedAfter,
          fresh.predict(b.inputs(), b.size()),
          0f,
          "optimizer slots and strategy state restored too");
    }
  }

  static final TfModelDef TINY_DROPOUT =
      (n, x) -> n.dense("fc2", n.dropout(n.relu(n.dense("fc1", x, 32, true)), 0.5f), 3, true);

  @Test
  void dropoutDrawsSurviveARestore(@TempDir Path dir) throws IOException {
    TfModel.Batch b = data(64, 4);
    Path ckpt = dir.resolve("m.ckpt");
    Optimizer opt = Optimizer.sgd(LearningRate.constant(0.1), 0.9, 0);
    java.util.function.Supplier<TfModel> build =
        () ->
            TfModel.build(
                TINY_DROPOUT,
                new long[] {6},
                io.jqp.engine.tf.Losses.SOFTMAX_CROSS_ENTROPY,
                3,
                Recipe.fullPrecision(),
                opt,
                42,
                1,
                64,
                "tiny-dropout");
    float[] losses = new float[4];
    float[] expected;
    try (TfModel m = build.get()) {
      for (int i = 0; i < 4; i++) {
        losses[i] = m.trainStep(b);
        if (i == 1) {
          m.save(ckpt);
        }
      }
      expected = m.predict(b.inputs(), b.size());
    }
    for (int rep = 0; rep < 3; rep++) {
      // same seed, same trajectory: before updates waited for all gradients, one run in three took
      // another path
      try (TfModel again = build.get()) {
        float[] repeated = new float[4];
        for (int i = 0; i < 4; i++) {
          repeated[i] = again.trainStep(b);
        }
        assertArrayEquals(losses, repeated, 0f, "repeat " + rep);
      }
    }
    try (TfModel fresh = build.get()) {
      fresh.restore(ckpt);
      assertEquals(
          losses[2], fresh.trainStep(b), 0f, "step 2 draws the same dropout mask after a restore");
      assertEquals(losses[3], fresh.trainStep(b), 0f);
      assertArrayEquals(expected, fresh.predict(b.inputs(), b.size()), 0f);
    }
    try (TfModel other = build.get()) {
      // the draws depend on the step: the same weights and batch give another training loss at
      // another step
      float first = other.trainStep(b);
      assertEquals(losses[0], first, 0f, "same seed, same first step");
      other.restore(ckpt);
      float atTwo = other.trainStep(b);
      other.restore(ckpt);
      assertEquals(atTwo, other.trainStep(b), 0f);
    }
  }

  @Test
  void aNonFiniteGradientIsNamedThoughTheLossIsFinite() {
    // sqrt(relu(h)): where h <= 0 the gradient is inf * 0 = NaN, yet every output is finite
    TfModelDef def =
        (n, x) -> n.dense("fc2", n.tf().math.sqrt(n.relu(n.dense("fc1", x, 8, false))), 3, true);
    try (TfModel ok =
            model(Recipe.fullPrecision(), Optimizer.sgd(LearningRate.constant(0.01), 0, 0));
        TfModel m =
            TfModel.build(
                def,
                new long[] {6},
                io.jqp.engine.tf.Losses.SOFTMAX_CROSS_ENTROPY,
                3,
                Recipe.fullPrecision(),
                Optimizer.sgd(LearningRate.constant(0.01), 0, 0),
                42,
                1,
                64,
                "sqrt")) {
      ok.trainStep(data(32, 5));
      assertEquals(null, ok.nonFiniteGradient());
      float loss = m.trainStep(data(32, 5));
      assertTrue(Float.isFinite(loss), "loss " + loss);
      assertEquals("fc1/kernel", m.nonFiniteGradient());
    }
  }

  @Test
  void corruptTruncatedOrForeignCheckpointsAreRefused(@TempDir Path dir) throws IOException {
    Path ckpt = dir.resolve("m.ckpt");
    try (TfModel m = model(quantizedPruned(), Optimizer.adam(LearningRate.constant(0.01)))) {
      m.trainStep(data(32, 4));
      m.save(ckpt);
    }
    byte[] good = Files.readAllBytes(ckpt);
    try (TfModel m = model(quantizedPruned(), Optimizer.adam(LearningRate.constant(0.01)))) {
      byte[] flipped = good.clone();
      flipped[good.length / 2] ^= 0x10;
      Files.write(dir.resolve("flipped.ckpt"), flipped);
      assertTrue(
          assertThrows(JqpException.class, () -> m.restore(dir.resolve("flipped.ckpt")))
              .getMessage()
              .contains("is corrupt"));
      Files.write(dir.resolve("short.ckpt"), java.util.Arrays.copyOf(good, good.length - 100));
      assertTrue(
          assertThrows(JqpException.class, () -> m.restore(dir.resolve("short.ckpt")))
              .getMessage()
              .contains("truncated"));
      assertEquals(0, m.step(), "nothing changed by a refused restore");
    }
    try (TfModel other =
        model(Recipe.fullPrecision(), Optimizer.adam(LearningRate.constant(0.01)))) {
      assertTrue(
          assertThrows(JqpException.class, () -> other.restore(ckpt))
              .getMessage()
              .contains("another model or recipe"));
    }
  }

  @Test
  void learningRateSchedules() {
    assertEquals(0.1, LearningRate.constant(0.1).at(1000));
    assertEquals(0.025, LearningRate.step(0.1, 10, 0.5).at(25), 1e-12);
    assertEquals(0.1, LearningRate.cosine(0.1, 100).at(0), 1e-12);
    assertEquals(0.05, LearningRate.cosine(0.1, 100).at(50), 1e-12);
    assertEquals(0.0, LearningRate.cosine(0.1, 100).at(100), 1e-12);
  }
}
