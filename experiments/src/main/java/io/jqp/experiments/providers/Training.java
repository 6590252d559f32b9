package io.jqp.experiments.providers;

import io.jqp.api.JqpException;
import io.jqp.api.StrategyOptions;
import io.jqp.engine.tf.LearningRate;
import io.jqp.engine.tf.LossProvider;
import io.jqp.engine.tf.Optimizer;
import io.jqp.engine.tf.OptimizerProvider;
import io.jqp.engine.tf.TfLoss;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss and optimizer plugins: the shipped ones ({@code softmax-cross-entropy}, {@code mse},
 * {@code l1}; {@code adam}, {@code sgd}) and plugin jars'.
 */
public final class Training {
  public static final Registry<LossProvider> LOSSES =
      new Registry<>(LossProvider.class, "loss", LossProvider::id);
  public static final Registry<OptimizerProvider> OPTIMIZERS =
      new Registry<>(OptimizerProvider.class, "optimizer", OptimizerProvider::id);

  private Training() {}

  /**
   * The loss of an id; {@code classification} says what the task feeds (labels or targets), a
   * mismatch fails in one line.
   */
  public static TfLoss loss(String id, String task, boolean classification) {
    LossProvider p = LOSSES.byId("loss", id);
    TfLoss loss = p.create(new StrategyOptions("loss '" + id + "'", Map.of()));
    if (loss.classification() != classification) {
      throw new JqpException(
          "loss: '"
              + id
              + "' "
              + (loss.classification() ? "needs class labels" : "needs target values")
              + ", but task "
              + task
              + (classification ? " has class labels" : " has target values")
              + "; choose another loss or drop the key for the task's own");
    }
    return loss;
  }

  /**
   * The run-level {@code momentum} knob, then the spec's own options of the optimizer (which win).
   */
  public static Map<String, Object> knobs(double momentum, Map<String, Object> options) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("momentum", momentum);
    m.putAll(options);
    return m;
  }

  /**
   * The optimizer of an id: its update rule from the run-level knobs it declares (e.g. {@code
   * momentum} for {@code sgd}), with the schedule, weight decay and the strategies' rate scale.
   */
  public static Optimizer optimizer(
      String id,
      Map<String, Object> knobs,
      LearningRate rate,
      double weightDecay,
      double strategyRateScale) {
    OptimizerProvider p = OPTIMIZERS.byId("optimizer", id);
    Map<String, Object> declared = new LinkedHashMap<>();
    knobs.forEach(
        (k, v) -> {
          // momentum is a run-level knob: only an optimizer that declares it receives it
          if (!k.equals("momentum") || p.options().containsKey(k)) {
            declared.put(k, v);
          }
        });
    return new Optimizer(
        p.create(new StrategyOptions("optimizer '" + id + "'", declared)),
        rate,
        weightDecay,
        strategyRateScale);
  }
}
