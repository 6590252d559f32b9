package io.jqp.experiments.cli;

import io.jqp.api.Plugins;
import io.jqp.experiments.run.Report;
import io.jqp.experiments.run.Sweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jqp sweep --config FILE --out DIR}: a grid of runs, resumable, failures recorded, then its
 * report.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description =
        "Run the cartesian product of a sweep file's axes over its base config; finished runs are kept, a failing run is recorded and the rest go on; then write the report.")
final class SweepCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      description = "sweep YAML: base (run config keys) and axes (key: [values])")
  Path config;

  @Option(
      names = "--out",
      required = true,
      description = "sweep folder (created; finished runs in it are kept)")
  Path out;

  @Option(
      names = "--parallel",
      description =
          "runs at a time, TensorFlow threads split between them (default: ${DEFAULT-VALUE})")
  int parallel = 1;

  @Option(
      names = "--allow-large-grid",
      description = "run a grid of more than 1000 points (each is a whole training run)")
  boolean allowLarge;

  @Override
  public Integer call() throws Exception {
    Sweep sweep = Sweep.load(config);
    long size;
    try {
      size = sweep.size();
    } catch (ArithmeticException e) {
      size = Long.MAX_VALUE;
    }
    if (size > Sweep.MAX_POINTS && !allowLarge) {
      throw new io.jqp.api.JqpException(
          "--config "
              + config
              + " is a grid of "
              + (size == Long.MAX_VALUE ? "too many" : String.valueOf(size))
              + " runs; more than "
              + Sweep.MAX_POINTS
              + " need --allow-large-grid");
    }
    if (parallel < 1 || parallel > 64) {
      throw new io.jqp.api.JqpException("--parallel: must be in [1, 64], got " + parallel);
    }
    List<Sweep.Outcome> outcomes = sweep.run(out, parallel, Plugins.load());
    long failed = outcomes.stream().filter(o -> !o.status().equals("ok")).count();
    if (outcomes.size() > failed) {
      Report.write(out);
      System.out.println(Files.readString(out.resolve("report.md")));
    }
    System.out.printf(
        "%d runs, %d failed; %s%n", outcomes.size(), failed, out.resolve("sweep.csv"));
    return failed == 0 ? 0 : 1;
  }
}
