package io.jqp.experiments.cli;

import picocli.CommandLine.Option;

/**
 * {@code --xla}, shared by the commands that train (a picocli mixin): the engine builds each
 * activation quantizer and each large d* search as an explicit XLA compilation scope.
 */
final class XlaOption {
  @Option(
      names = "--xla",
      description =
          "compile each activation quantizer (and each d* search over 4M+ values) into one kernel"
              + " with XLA: faster steps once compiled, about a quarter second of compilation per"
              + " scope and phase (pays in long quantized phases; see BENCHMARKS.md)")
  boolean on;

  /** Switches the engine's compiled scopes on for this process when asked. */
  void apply() {
    if (on) {
      io.jqp.engine.tf.TfFusion.enable();
    }
  }
}
