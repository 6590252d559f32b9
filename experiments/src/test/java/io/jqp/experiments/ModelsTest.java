package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.LayerKind;
import io.jqp.api.Recipe;
import io.jqp.api.SiteKind;
import io.jqp.engine.tf.LearningRate;
import io.jqp.engine.tf.Optimizer;
import io.jqp.engine.tf.TfModel;
import io.jqp.experiments.data.Dataset;
import io.jqp.experiments.models.MobileNetV2;
import io.jqp.plugins.Pruners;
import io.jqp.plugins.Quantizers;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsTest {

  @Test
  void mobileNetV2HasInvertedResidualSitesAndTrains() {
    Recipe recipe =
        Recipe.fullPrecision()
            .withWeightQuantizer(Quantizers.fixed(8))
            .withActivationQuantizer(Quantizers.fixed(8))
            .withWeightPruner(Pruners.magnitude(0.5));
    try (TfModel m =
        TfModel.build(
            new MobileNetV2(10),
            new long[] {32, 32, 1},
            io.jqp.engine.tf.Losses.SOFTMAX_CROSS_ENTROPY,
            10,
            recipe,
            Optimizer.adam(LearningRate.constant(1e-3)),
            1,
            1,
            8,
            "mnv2")) {
      assertArrayEquals(new long[] {-1, 10}, m.predictShape());
      List<TfModel.SiteReport> sites = m.siteReports();
      assertTrue(
          sites.stream()
              .anyMatch(
                  s ->
                      s.site().layerKind() == LayerKind.DEPTHWISE_CONV2D
                          && s.site().kind() == SiteKind.ACTIVATION));
      assertEquals("stem", sites.get(0).site().layer());
      assertTrue(
          sites.stream()
              .noneMatch(
                  s ->
                      s.site().layer().equals("classifier")
                          && s.site().kind() == SiteKind.ACTIVATION),
          "logits are no site");
      long params = m.parameterCount();
      assertTrue(params > 30_000 && params < 150_000, "reduced width: " + params);
      float[] x = new float[8 * 32 * 32];
      int[] y = new int[8];
      for (int i = 0; i < x.length; i++) {
        x[i] = (i % 7) / 7f;
      }
      float loss = m.trainStep(TfModel.Batch.classification(x, y));
      assertTrue(Float.isFinite(loss));
    }
  }

  @Test
  void paddingCentresImagesOnTheBackground() {
    Dataset d = new Dataset(new float[] {1, 2, 3, 4}, new int[] {0}, new long[] {2, 2, 1});
    Dataset p = d.padTo(4, -1f);
    assertArrayEquals(new long[] {4, 4, 1}, p.sampleShape());
    assertArrayEquals(
        new float[] {-1, -1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1, -1, -1, -1}, p.images(), 0f);
  }
}
