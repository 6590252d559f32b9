package io.jqp.experiments.cli;

import io.jqp.experiments.run.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jqp report DIR}: CSV, JSON, Markdown and PNG plots of every run below a folder. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write report.csv/json/md (mean ± std over seeds) and PNG plots (training curves, metric vs PD, bits and sparsity per site) for the runs below DIR.")
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "folder holding run folders")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Report.write(dir);
    System.out.println(Files.readString(dir.resolve("report.md")));
    System.out.println(
        "written: report.csv, report.json, report.md, curves.png, metric-vs-pd.png, layers-*.png in "
            + dir);
    return 0;
  }
}
