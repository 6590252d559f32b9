package io.jqp.experiments.cli;

import io.jqp.api.JqpException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jqp} command line. User mistakes print one line and exit 2; no stack traces. */
@Command(
    name = "jqp",
    mixinStandardHelpOptions = true,
    version = "jqp 0.1.0",
    description = "Joint quantization and pruning of weights and activations on TensorFlow Java.",
    subcommands = {
      TrainCommand.class,
      RunCommand.class,
      SweepCommand.class,
      ReportCommand.class,
      SummarizeCommand.class,
      BenchCommand.class,
      ListPluginsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Jqp {
  @picocli.CommandLine.Option(
      names = "--plugins",
      paramLabel = "DIR",
      description =
          "load every plugin jar in DIR (strategies, models, tasks); default: the JQP_PLUGINS environment variable")
  java.nio.file.@org.jspecify.annotations.Nullable Path plugins;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (0 ok, 1 failure, 2 user error). */
  public static int execute(String... args) {
    return execute(new CommandLine(new Jqp()), args);
  }

  /**
   * Runs a command line built on {@link Jqp} (e.g. with more subcommands) with the same error
   * handling.
   */
  public static int execute(CommandLine cl, String... args) {
    cl.setExecutionExceptionHandler(
        (ex, line, parsed) -> {
          String bad = UserErrors.message(ex);
          if (bad != null) {
            line.getErr().println("error: " + bad);
            return 2;
          }
          if (System.getenv("JQP_DEBUG") != null) {
            ex.printStackTrace(line.getErr());
          }
          line.getErr().println("error: " + UserErrors.internal(ex));
          return 1;
        });
    cl.registerConverter(
        java.nio.file.Path.class,
        s -> {
          try {
            return java.nio.file.Path.of(s);
          } catch (java.nio.file.InvalidPathException e) {
            throw new CommandLine.TypeConversionException(
                "'" + UserErrors.printable(s) + "' is not a usable path: " + e.getReason());
          }
        });
    cl.setParameterExceptionHandler(
        (ex, given) -> {
          // one line: picocli's usage help only with --help
          CommandLine c = ex.getCommandLine();
          c.getErr().println("error: " + UserErrors.usage(ex));
          return 2;
        });
    cl.setExecutionStrategy(
        parsed -> {
          Object top = parsed.commandSpec().userObject();
          java.nio.file.Path option = top instanceof Jqp j ? j.plugins : null;
          java.nio.file.Path dir = PluginJars.folder(option, System.getenv(PluginJars.ENV));
          if (dir != null) {
            try {
              PluginJars.install(dir, option != null ? "--plugins" : PluginJars.ENV);
            } catch (JqpException e) {
              parsed.commandSpec().commandLine().getErr().println("error: " + e.getMessage());
              return 2;
            }
          }
          return new CommandLine.RunLast().execute(parsed);
        });
    return cl.execute(args);
  }
}
