package io.jqp.experiments.run;

import io.jqp.api.JqpException;
import java.util.Set;

/**
 * A training run, fully resolved: what {@code config.yaml} records. Every field is checked here, so a bad
 * value fails with one line naming the field before any data is read or any file is written.
 *
 * @param model         architecture id ({@code small-cnn})
 * @param epochs        passes over the training set, &gt;= 1
 * @param batchSize     training batch size, in [1, 4096]
 * @param optimizer     {@code adam} or {@code sgd}
 * @param learningRate  initial learning rate, &gt; 0
 * @param lrSchedule    {@code constant}, {@code step} (×0.1 at 50 % and 75 % of training) or {@code cosine}
 * @param momentum      SGD momentum in [0, 1)
 * @param weightDecay   L2 on kernels, &gt;= 0
 * @param seed          seeds weight init, data order and dropout
 * @param threads       TensorFlow intra-op threads, &gt;= 1
 * @param bits          bits of weights and activations; 32 = full precision (no quantizer)
 * @param sparsity      weight sparsity in [0, 1); 0 = no pruning
 * @param quantizer     quantizer plugin id used when bits &lt; 32
 * @param pruner        pruner plugin id used when sparsity &gt; 0
 * @param data          Fashion-MNIST folder
 * @param trainLimit    use only the first N training images (0 = all)
 * @param testLimit     use only the first N test images (0 = all)
 */
public record TrainConfig(String model, int epochs, int batchSize, String optimizer, double learningRate, String lrSchedule,
    double momentum, double weightDecay, long seed, int threads, int bits, double sparsity, String quantizer, String pruner,
    String data, int trainLimit, int testLimit) {

  public static final Set<String> MODELS = Set.of("small-cnn");

  public TrainConfig {
    if (!MODELS.contains(model)) {
      throw new JqpException("model: unknown model '" + model + "'; known: " + String.join(", ", MODELS));
    }
    check(epochs >= 1, "epochs", "must be >= 1, got " + epochs);
    check(batchSize >= 1 && batchSize <= 4096, "batchSize", "must be in [1, 4096], got " + batchSize);
    check(optimizer.equals("adam") || optimizer.equals("sgd"), "optimizer", "must be adam or sgd, got '" + optimizer + "'");
    check(learningRate > 0 && learningRate < 10, "learningRate", "must be in (0, 10), got " + learningRate);
    check(Set.of("constant", "step", "cosine").contains(lrSchedule), "lrSchedule", "must be constant, step or cosine, got '" + lrSchedule + "'");
    check(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
    check(weightDecay >= 0 && weightDecay < 1, "weightDecay", "must be in [0, 1), got " + weightDecay);
    check(threads >= 1 && threads <= 256, "threads", "must be in [1, 256], got " + threads);
    check(bits >= 2 && bits <= 32, "bits", "must be in [2, 32] (32 = full precision), got " + bits);
    check(sparsity >= 0 && sparsity < 1, "sparsity", "must be in [0, 1), got " + sparsity);
    check(trainLimit >= 0, "trainLimit", "must be >= 0 (0 = all), got " + trainLimit);
    check(testLimit >= 0, "testLimit", "must be >= 0 (0 = all), got " + testLimit);
    check(trainLimit == 0 || trainLimit >= batchSize, "trainLimit", "must be at least batchSize (" + batchSize + "), got " + trainLimit);
  }

  private static void check(boolean ok, String field, String message) {
    if (!ok) {
      throw new JqpException(field + ": " + message);
    }
  }

  /** The defaults of {@code jqp train}: small CNN, 4 epochs, Adam 1e-3 with cosine decay, batch 128, FP32. */
  public static TrainConfig defaults() {
    return new TrainConfig("small-cnn", 4, 128, "adam", 1e-3, "cosine", 0.9, 0, 1, 2, 32, 0, "fixed", "magnitude",
        "/usr/share/datasets/fashion-mnist", 0, 0);
  }

  public TrainConfig withEpochs(int e) {
    return new TrainConfig(model, e, batchSize, optimizer, learningRate, lrSchedule, momentum, weightDecay, seed, threads, bits, sparsity, quantizer, pruner, data, trainLimit, testLimit);
  }

  public TrainConfig withBits(int b) {
    return new TrainConfig(model, epochs, batchSize, optimizer, learningRate, lrSchedule, momentum, weightDecay, seed, threads, b, sparsity, quantizer, pruner, data, trainLimit, testLimit);
  }

  public TrainConfig withSparsity(double s) {
    return new TrainConfig(model, epochs, batchSize, optimizer, learningRate, lrSchedule, momentum, weightDecay, seed, threads, bits, s, quantizer, pruner, data, trainLimit, testLimit);
  }

  public TrainConfig withSeed(long s) {
    return new TrainConfig(model, epochs, batchSize, optimizer, learningRate, lrSchedule, momentum, weightDecay, s, threads, bits, sparsity, quantizer, pruner, data, trainLimit, testLimit);
  }

  public TrainConfig withLimits(int train, int test) {
    return new TrainConfig(model, epochs, batchSize, optimizer, learningRate, lrSchedule, momentum, weightDecay, seed, threads, bits, sparsity, quantizer, pruner, data, train, test);
  }

  public TrainConfig withBatchSize(int b) {
    return new TrainConfig(model, epochs, b, optimizer, learningRate, lrSchedule, momentum, weightDecay, seed, threads, bits, sparsity, quantizer, pruner, data, trainLimit, testLimit);
  }
}
