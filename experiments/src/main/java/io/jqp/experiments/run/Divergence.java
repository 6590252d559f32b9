package io.jqp.experiments.run;

import io.jqp.engine.tf.TfModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What a run says when it stops on a non-finite loss or strategy state: where, why, what stays. */
final class Divergence {
  private Divergence() {}

  /**
   * The one-line message for a non-finite loss: the step, the first site whose strategy state
   * (bits, d, step, range, sparsity …) is no longer finite, else that the weights or gradients
   * diverged; and the checkpoint that stays (none is written after it).
   */
  static String message(TfModel model, float loss, Path out) {
    String site = nonFiniteState(model, null);
    String cause =
        site != null
            ? "first non-finite strategy state at site " + site
            : model.nonFiniteGradient() != null
                ? "first non-finite gradient is that of " + model.nonFiniteGradient()
                : "every site's strategy state is finite, so the weights or gradients diverged";
    return "training diverged at step "
        + (model.step() - 1)
        + ": loss is "
        + loss
        + "; "
        + cause
        + "; "
        + kept(out)
        + "; lower learningRate";
  }

  /**
   * The first site (of {@code only}, or of all when null) with a non-finite reported value, as
   * "site (key = value)", or null.
   */
  static @org.jspecify.annotations.Nullable String nonFiniteState(
      TfModel model, @org.jspecify.annotations.Nullable List<String> only) {
    for (TfModel.SiteReport r : model.trainingSiteReports()) {
      if (only != null && !only.contains(r.site().name())) {
        continue;
      }
      for (Map.Entry<String, Double> e : r.values().entrySet()) {
        if (!Double.isFinite(e.getValue())) {
          return r.site().name() + " (" + e.getKey() + " = " + e.getValue() + ")";
        }
      }
    }
    return null;
  }

  static String kept(Path out) {
    try {
      List<Path> ckpts = Checkpoints.list(out);
      return ckpts.isEmpty()
          ? "no checkpoint was written"
          : "the last good checkpoint is " + ckpts.get(0);
    } catch (IOException e) {
      return "no checkpoint was written";
    }
  }
}
