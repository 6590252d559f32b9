package io.jqp.experiments.cli;

import io.jqp.experiments.run.RunSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jqp summarize DIR…}: a Markdown table of finished runs, with a check of every pruned
 * site's sparsity.
 */
@Command(
    name = "summarize",
    mixinStandardHelpOptions = true,
    description =
        "Print a Markdown table (task metric, weight/activation Mb, PD) of run folders and check each pruned site's measured sparsity against its target.")
final class SummarizeCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", description = "run folders written by 'jqp train'")
  List<Path> runs;

  @Override
  public Integer call() throws Exception {
    List<RunSummary> rows = new ArrayList<>();
    int skipped = 0;
    for (Path p : runs) {
      try {
        rows.add(RunSummary.read(p));
      } catch (io.jqp.api.JqpException damaged) {
        // one line per damaged folder; the others are still summarized
        System.err.println("skipped: " + damaged.getMessage());
        skipped++;
      }
    }
    if (rows.isEmpty()) {
      throw new io.jqp.api.JqpException(
          "none of the " + runs.size() + " folders holds a readable finished run");
    }
    System.out.println(RunSummary.markdown(rows));
    return skipped == 0 && rows.stream().allMatch(RunSummary::sparsityOk) ? 0 : 1;
  }
}
