package io.jqp.experiments.tasks;

import io.jqp.api.Footprint;
import io.jqp.engine.tf.ModelInput;
import io.jqp.engine.tf.TfModel;
import io.jqp.experiments.models.Models;
import io.jqp.experiments.run.TrainConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A task: its data, the models that solve it and its metric. The runner, sweeps, reports and
 * paper-repro work on any task; a new one is one class implementing this interface, listed in
 * {@code META-INF/services/io.jqp.experiments.tasks.Task} and chosen with {@code task: <id>} in a
 * config.
 */
public interface Task {

  /** The config's {@code task} value. */
  String id();

  /** One line for {@code jqp list-plugins}. */
  String description();

  /** The task metric and its unit as printed (e.g. "accuracy %", "PSNR dB"); higher is better. */
  String metricName();

  /** The unit of performance density (e.g. "accuracy % per Mb"). */
  String pdUnit();

  /**
   * What the task feeds a model and expects back; any model plugin that accepts it can be trained
   * on the task.
   */
  ModelInput modelInput();

  /** The model trained when a config names none. */
  String defaultModel();

  /**
   * Model ids this task can train (every model plugin that accepts {@link #modelInput()}); the
   * default first.
   */
  default List<String> models() {
    return Models.compatible(modelInput(), defaultModel());
  }

  /**
   * The shape a model is built for (the task pads or crops its images to it), from the model
   * plugin.
   */
  default List<Long> inputShapeFor(String model) {
    return Models.byId(model).inputShape(modelInput());
  }

  /**
   * The loss plugin id trained with when a config names none (e.g. {@code softmax-cross-entropy},
   * {@code mse}).
   */
  String defaultLoss();

  /** Classes of a classification task (0 for regression). */
  int classes();

  /** The data folder used when a config names none. */
  String defaultData();

  /**
   * The paper's schedule for a preset, in the paper's epochs: {epochs, weight t_q, activation t_q,
   * t_p, Δ, n}, or null for a preset with no schedule ({@code none}).
   */
  double @org.jspecify.annotations.Nullable [] paperSchedule(String preset);

  /** Cheap checks that the data is there, failing with one line naming the field and the fix. */
  void checkData(TrainConfig c);

  /** Training samples per epoch under this config (after {@code trainLimit}). */
  int trainSize(TrainConfig c) throws IOException;

  /** Loads the data of a config. */
  Data load(TrainConfig c) throws IOException;

  /**
   * A task's loaded data and its evaluation. Closing it releases what evaluation built (e.g.
   * graphs).
   */
  interface Data extends AutoCloseable {
    /** One training input's shape (e.g. {28, 28, 1}). */
    long[] sampleShape();

    /** Training samples. */
    int size();

    /** The batch {@code b} of the epoch's {@code order}. */
    TfModel.Batch batch(int[] order, int b, int batchSize);

    /** Evaluates the model on the test data. */
    Evaluation evaluate(TfModel model) throws IOException;

    /**
     * The footprint a run reports, from its sites (bits and measured sparsity); a task whose test
     * inputs differ in size from the training samples counts activations at its reference input
     * size.
     */
    Footprint footprint(List<TfModel.SiteReport> sites);

    /** Performance density of a metric value at a footprint. */
    double performanceDensity(Footprint footprint, double metric);

    @Override
    default void close() {}
  }

  /**
   * One evaluation.
   *
   * @param loss mean test loss
   * @param metric the task metric in {@link #metricName()} units
   * @param extras further named numbers (e.g. patch-wise PSNR, bicubic PSNR)
   */
  record Evaluation(double loss, double metric, Map<String, Double> extras) {}

  /**
   * The sample order of one epoch: a permutation of {@code n} drawn from {@code seed} and the
   * epoch.
   */
  static int[] order(int n, long seed, int epoch) {
    return io.jqp.experiments.data.Dataset.order(n, seed, epoch);
  }
}
