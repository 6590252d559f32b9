package io.jqp.experiments.tasks;

import io.jqp.api.Footprint;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.TfModel;
import io.jqp.experiments.data.Dataset;
import io.jqp.experiments.data.FashionMnist;
import io.jqp.experiments.run.RunResults;
import io.jqp.experiments.run.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Classification on Fashion-MNIST (the paper's CIFAR-10 stand-in, DATA.md): 60k training and 10k
 * test images, 28×28, normalised; padded to 32×32 for MobileNetV2. Metric: top-1 accuracy in %; PD
 * in accuracy % per Mb (SPEC §8). Presets follow the paper's classification schedule (250 epochs;
 * SPEC §11).
 */
public final class FashionMnistTask implements Task {
  public static final String ID = "fashion-mnist";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "10-class classification of Fashion-MNIST (28x28, padded to 32x32 for mobilenet-v2); metric: accuracy %";
  }

  @Override
  public String metricName() {
    return "accuracy %";
  }

  @Override
  public String pdUnit() {
    return "accuracy % per Mb";
  }

  @Override
  public ModelInput modelInput() {
    return new ModelInput(ModelInput.CLASSIFICATION, List.of(28L, 28L, 1L), 10);
  }

  @Override
  public String defaultModel() {
    return "small-cnn";
  }

  @Override
  public String defaultLoss() {
    return "softmax-cross-entropy";
  }

  @Override
  public int classes() {
    return 10;
  }

  @Override
  public String defaultData() {
    return FashionMnist.DEFAULT_DIR.toString();
  }

  @Override
  public double @org.jspecify.annotations.Nullable [] paperSchedule(String preset) {
    // 250 epochs; P-first: weight t_q 230, activation t_q 235, t_p 100; Q-first: 100, 110, 130; Δ
    // 15, n 4
    return switch (preset) {
      case "prune-then-quantize" -> new double[] {250, 230, 235, 100, 15, 4};
      case "quantize-then-prune" -> new double[] {250, 100, 110, 130, 15, 4};
      default -> null;
    };
  }

  @Override
  public void checkData(TrainConfig c) {
    FashionMnist.checkPresent(Path.of(c.data()));
  }

  @Override
  public int trainSize(TrainConfig c) {
    return c.trainLimit() > 0 ? Math.min(c.trainLimit(), 60_000) : 60_000;
  }

  @Override
  public Data load(TrainConfig c) throws IOException {
    Dataset train = FashionMnist.train(Path.of(c.data()));
    Dataset test = FashionMnist.test(Path.of(c.data()));
    if (c.trainLimit() > 0) {
      train = train.head(c.trainLimit());
    }
    if (c.testLimit() > 0) {
      test = test.head(c.testLimit());
    }
    int side = inputShapeFor(c.model()).get(0).intValue();
    if (side > 28) {
      float black = (0 - FashionMnist.MEAN) / FashionMnist.STD;
      train = train.padTo(side, black);
      test = test.padTo(side, black);
    }
    return new Loaded(train, test);
  }

  private record Loaded(Dataset train, Dataset test) implements Data {
    @Override
    public long[] sampleShape() {
      return train.sampleShape();
    }

    @Override
    public int size() {
      return train.size();
    }

    @Override
    public TfModel.Batch batch(int[] order, int b, int batchSize) {
      return train.batch(order, b, batchSize);
    }

    @Override
    public Evaluation evaluate(TfModel model) {
      double loss = 0;
      double correct = 0;
      for (int i = 0; i < test.size(); i += 1000) {
        double[] r = model.evaluate(test.slice(i, 1000));
        loss += r[0];
        correct += r[1];
      }
      return new Evaluation(loss / test.size(), 100 * correct / test.size(), Map.of());
    }

    @Override
    public Footprint footprint(List<TfModel.SiteReport> sites) {
      return RunResults.footprint(sites);
    }

    @Override
    public double performanceDensity(Footprint f, double metric) {
      return f.performanceDensity(metric);
    }
  }
}
