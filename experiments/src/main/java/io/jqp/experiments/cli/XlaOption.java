package io.jqp.experiments.cli;

import picocli.CommandLine.Option;

/**
 * {@code --xla}, shared by the commands that train (a picocli mixin): the engine builds each
 * activation quantizer and each large d* search as an explicit XLA compilation scope in every
 * training phase. Without it the engine does so only in phases of at least {@link
 * io.jqp.engine.tf.TfFusion#AUTO_MIN_STEPS} planned steps ({@code -Djqp.fuse=false}: never).
 */
final class XlaOption {
  @Option(
      names = "--xla",
      description =
          "compile each activation quantizer (and each d* search over 4M+ values) into one kernel"
              + " with XLA in every training phase: faster steps once compiled, about a quarter"
              + " second of compilation per scope and phase. Without it, only phases of "
              + io.jqp.engine.tf.TfFusion.AUTO_MIN_STEPS
              + "+ steps are compiled (see BENCHMARKS.md)")
  boolean on;

  /** Switches the engine's compiled scopes on for this process when asked. */
  void apply() {
    if (on) {
      io.jqp.engine.tf.TfFusion.enable();
    }
  }
}
