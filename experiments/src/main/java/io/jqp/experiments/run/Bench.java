package io.jqp.experiments.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jqp.api.Plugins;
import io.jqp.api.Recipe;
import io.jqp.engine.tf.TfModel;
import io.jqp.experiments.models.SmallCnn;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Times training steps of two arms of the same model side by side: full precision against the given bits
 * on weights and activations plus weight masks. Steps alternate in blocks between the arms (the first arm
 * of each round alternates too), so drift of the machine's speed hits both alike. Inputs are synthetic
 * (seeded Gaussian images, random labels): the step's cost does not depend on their content.
 */
public final class Bench {
  public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int BLOCK = 25;

  /** Timings of both arms. */
  public record Result(String model, int batchSize, int threads, int steps, String fp32Recipe, String quantizedRecipe,
      double fp32MillisPerStep, double quantizedMillisPerStep, double fp32ImagesPerSecond, double quantizedImagesPerSecond, double ratio) {

    public String markdown() {
      return String.format(Locale.ROOT, """
          | arm | recipe | ms/step | img/s |
          |---|---|---|---|
          | FP32 | %s | %.3f | %.0f |
          | quantized + pruned | %s | %.3f | %.0f |

          %s, batch %d, %d threads, %d timed steps per arm: step time ratio %.3f×""",
          fp32Recipe, fp32MillisPerStep, fp32ImagesPerSecond, quantizedRecipe, quantizedMillisPerStep, quantizedImagesPerSecond,
          model, batchSize, threads, steps, ratio);
    }
  }

  private final Plugins plugins;

  public Bench(Plugins plugins) {
    this.plugins = plugins;
  }

  public Result run(int steps, int warmup, int batch, int threads, int bits, double sparsity) {
    var q = plugins.quantizer("fixed", Map.of("bits", bits));
    var p = plugins.pruner("magnitude", Map.of("sparsity", sparsity));
    Recipe fp32 = Recipe.fullPrecision();
    Recipe quant = Recipe.fullPrecision().withWeightQuantizer(q).withActivationQuantizer(q).withWeightPruner(p);
    Random r = new Random(7);
    float[] x = new float[batch * 28 * 28];
    int[] y = new int[batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < batch; i++) {
      y[i] = r.nextInt(10);
    }
    TfModel.Batch b = TfModel.Batch.classification(x, y);
    long totalSteps = warmup + steps + BLOCK;
    long[] shape = {28, 28, 1};
    try (TfModel a = TfModel.build(new SmallCnn(10), shape, TfModel.Loss.SOFTMAX_CROSS_ENTROPY, 10, fp32,
            Runner.optimizer(TrainConfig.defaults(), totalSteps), 1, threads, batch, "bench-fp32");
        TfModel c = TfModel.build(new SmallCnn(10), shape, TfModel.Loss.SOFTMAX_CROSS_ENTROPY, 10, quant,
            Runner.optimizer(TrainConfig.defaults(), totalSteps), 1, threads, batch, "bench-q")) {
      for (int i = 0; i < warmup; i++) {
        a.trainStep(b);
        c.trainStep(b);
      }
      long ta = 0;
      long tc = 0;
      int done = 0;
      int round = 0;
      while (done < steps) {
        int k = Math.min(BLOCK, steps - done);
        if (round++ % 2 == 0) {
          ta += time(a, b, k);
          tc += time(c, b, k);
        } else {
          tc += time(c, b, k);
          ta += time(a, b, k);
        }
        done += k;
      }
      double ma = ta / 1e6 / steps;
      double mc = tc / 1e6 / steps;
      return new Result("small-cnn", batch, threads, steps, fp32.weightQuantizer() + " / " + fp32.weightPruner(),
          q + " (w+a) / " + p + " (w)", ma, mc, batch * 1000 / ma, batch * 1000 / mc, mc / ma);
    }
  }

  private static long time(TfModel m, TfModel.Batch b, int k) {
    long t = System.nanoTime();
    for (int i = 0; i < k; i++) {
      m.trainStep(b);
    }
    return System.nanoTime() - t;
  }
}
