package io.jqp.experiments.cli;

import io.jqp.api.Plugins;
import io.jqp.experiments.run.ConfigIo;
import io.jqp.experiments.run.RunResults;
import io.jqp.experiments.run.Runner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jqp run --config FILE --out DIR}: a run described by a YAML file (keys as in a run's
 * config.yaml).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Train from a YAML run config (keys as in config.yaml, all optional; 'overrides' sets per-layer strategies).")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML run config")
  Path config;

  @Option(
      names = "--resume",
      description =
          "continue the run in --out from its newest checkpoint (set checkpointEvery in its config)")
  boolean resume;

  @Option(
      names = "--out",
      description =
          "run folder to create (must not hold a run); default: the config's output.folder")
  Path out;

  @picocli.CommandLine.Mixin ProfileOption profile = new ProfileOption();
  @picocli.CommandLine.Mixin XlaOption xla = new XlaOption();

  @Override
  public Integer call() throws Exception {
    if (resume == (config != null)) {
      throw new io.jqp.api.JqpException(
          resume
              ? "--resume continues the run in --out with its own config; drop --config"
              : "--config is required (or --resume to continue the run in --out)");
    }
    // the output section is checked even when --out wins over it
    java.util.Optional<Path> named =
        config == null ? java.util.Optional.empty() : ConfigIo.outputFolder(config);
    if (out == null) {
      out =
          named.orElseThrow(
              () ->
                  new io.jqp.api.JqpException(
                      "--out is required (or output: {folder: PATH} in the config)"));
    }
    xla.apply();
    Runner.Result r =
        resume
            ? new Runner(Plugins.load()).profile(profile.every).resume(out)
            : new Runner(Plugins.load()).profile(profile.every).run(ConfigIo.load(config), out);
    System.out.println(RunResults.line(r, out));
    return 0;
  }
}
