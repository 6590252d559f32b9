package io.jqp.repro;

import io.jqp.experiments.cli.Jqp;
import picocli.CommandLine;

/** The {@code jqp} command line with the {@code repro} commands added. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Jqp());
    cl.addSubcommand("repro", new ReproCommand());
    return Jqp.execute(cl, args);
  }
}
