package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps: the grid runs, a diverging run is recorded while the others finish, re-running keeps
 * finished runs.
 */
@Tag("slow")
class SweepTest {

  @Test
  void gridRunsRecordsAFailureAndResumes(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 256, 100);
    Path cfg = dir.resolve("sweep.yaml");
    Files.writeString(
        cfg,
        """
        base: {epochs: 1, batchSize: 64, bits: 8, data: "%s"}
        axes:
          quantizer: [fixed, test-diverge]
          seed: [1, 2]
        """
            .formatted(data));
    Path out = dir.resolve("sweep");
    CliTest.Outcome o = CliTest.run("sweep", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(1, o.code(), "some runs failed: " + o.err());
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(5, csv.size(), String.join("\n", csv));
    assertEquals(2, csv.stream().filter(l -> l.contains(",ok,")).count(), String.join("\n", csv));
    assertEquals(
        2,
        csv.stream().filter(l -> l.contains(",failed,") && l.contains("training diverged")).count(),
        String.join("\n", csv));
    Path okRun = out.resolve("quantizer=fixed,seed=1");
    assertTrue(Files.isRegularFile(okRun.resolve("metrics.json")));
    assertTrue(
        Files.readString(out.resolve("quantizer=test-diverge,seed=2/error.txt"))
            .startsWith(
                "training diverged at step 2: loss is NaN; first non-finite strategy state at site conv1/weight (factor = NaN)"),
        "the message names the step and the first site whose state went non-finite");
    for (String f :
        new String[] {"report.csv", "report.md", "report.json", "curves.png", "metric-vs-pd.png"}) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    assertTrue(
        Files.readString(out.resolve("report.md")).contains("(+1)"),
        "the two seeds of the fixed arm form one group");
    FileTime before = Files.getLastModifiedTime(okRun.resolve("metrics.json"));
    Files.delete(out.resolve("quantizer=fixed,seed=2/metrics.json"));
    CliTest.Outcome again =
        CliTest.run("sweep", "--config", cfg.toString(), "--out", out.toString());
    assertEquals(1, again.code());
    assertEquals(
        before,
        Files.getLastModifiedTime(okRun.resolve("metrics.json")),
        "a finished run is kept, not retrained");
    assertTrue(
        Files.isRegularFile(out.resolve("quantizer=fixed,seed=2/metrics.json")),
        "an unfinished run is run again");
  }

  @Test
  void badSweepFilesFailBeforeAnyRun(@TempDir Path dir) throws Exception {
    String[][] cases = {
      {
        "base: {epochs: 1}\naxes: {bits: [8, 1]}\n",
        "axes {bits=1}: bits: must be in [2, 32] (32 = full precision), got 1"
      },
      {"base: {epoch: 1}\naxes: {bits: [8]}\n", "base.unknown key 'epoch'"},
      {"base: {}\naxes: {bits: 8}\n", "axes.bits must be a non-empty list"},
      {"base: {}\naxes: {bits: [8]}\nextra: 1\n", "unknown key 'extra'; known: axes, base"},
      {"base: {}\naxes: {colour: [1]}\n", "unknown key 'colour'"}
    };
    for (String[] c : cases) {
      Path cfg = dir.resolve("s.yaml");
      Files.writeString(cfg, c[0]);
      Path out = dir.resolve("out");
      CliTest.Outcome o = CliTest.run("sweep", "--config", cfg.toString(), "--out", out.toString());
      assertEquals(2, o.code(), c[0] + o.err());
      assertTrue(o.err().contains(c[1]), o.err());
      assertTrue(!Files.exists(out), "nothing created for " + c[0]);
    }
  }
}
