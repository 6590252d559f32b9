package io.jqp.experiments.cli;

import io.jqp.api.JqpException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jqp} command line. User mistakes print one line and exit 2; no stack traces. */
@Command(name = "jqp", mixinStandardHelpOptions = true, version = "jqp 0.1.0",
    description = "Joint quantization and pruning of weights and activations on TensorFlow Java.",
    subcommands = {TrainCommand.class, RunCommand.class, SweepCommand.class, ReportCommand.class, SummarizeCommand.class, BenchCommand.class, ListPluginsCommand.class, CommandLine.HelpCommand.class})
public final class Jqp {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (0 ok, 1 failure, 2 user error). */
  public static int execute(String... args) {
    return execute(new CommandLine(new Jqp()), args);
  }

  /** Runs a command line built on {@link Jqp} (e.g. with more subcommands) with the same error handling. */
  public static int execute(CommandLine cl, String... args) {
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      Throwable t = ex;
      while (t != null && !(t instanceof JqpException)) {
        t = t.getCause();
      }
      if (t != null) {
        line.getErr().println("error: " + t.getMessage());
        return 2;
      }
      throw ex;
    });
    return cl.execute(args);
  }
}
