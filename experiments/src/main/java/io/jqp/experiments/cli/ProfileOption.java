package io.jqp.experiments.cli;

import picocli.CommandLine.Option;

/** {@code --profile [EVERY]}, shared by the commands that train (a picocli mixin). */
final class ProfileOption {
  @Option(
      names = "--profile",
      arity = "0..1",
      fallbackValue = "10",
      paramLabel = "EVERY",
      description =
          "trace every EVERY-th training step (10 when no value is given) and write where a step's"
              + " time goes per op (TensorFlow run metadata) to profile.md")
  int every;
}
