package io.jqp.experiments.cli;

import io.jqp.api.Plugins;
import io.jqp.experiments.run.ConfigIo;
import io.jqp.experiments.run.Runner;
import io.jqp.experiments.run.TrainConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jqp run --config FILE --out DIR}: a run described by a YAML file (keys as in a run's config.yaml). */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Train from a YAML run config (keys as in config.yaml, all optional; 'overrides' sets per-layer strategies).")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "YAML run config") Path config;
  @Option(names = "--out", required = true, description = "run folder to create (must not hold a run)") Path out;

  @Override
  public Integer call() throws Exception {
    TrainConfig c = ConfigIo.load(config);
    Runner.Result r = new Runner(Plugins.load()).run(c, out);
    System.out.println(Runner.line(r, out));
    return 0;
  }
}
