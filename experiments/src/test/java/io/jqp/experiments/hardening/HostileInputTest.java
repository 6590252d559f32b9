package io.jqp.experiments.hardening;

import static io.jqp.experiments.hardening.MalformedSpecTest.checksums;
import static io.jqp.experiments.hardening.MalformedSpecTest.jqp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.experiments.SyntheticIdx;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mishandled inputs of the hardening issue, one test each: exit 2, one line, nothing written,
 * every file already there unchanged.
 */
class HostileInputTest {

  /** Runs jqp in {@code dir} and checks the refusal: code 2, one line holding {@code expected}. */
  static void refused(Path dir, String expected, String... args) throws Exception {
    Map<String, String> before = checksums(dir);
    MalformedSpecTest.Outcome o = jqp(args);
    String err = o.err().strip();
    assertEquals(2, o.code(), String.join(" ", args) + " -> " + err);
    assertEquals(1, err.lines().count(), "one line: " + err);
    assertTrue(err.contains(expected), err);
    assertFalse(err.contains("Exception"), err);
    assertEquals(before, checksums(dir), "every file unchanged");
  }

  @Test
  void aFolderHoldingTheUsersOwnFilesIsRefused(@TempDir Path dir) throws Exception {
    Path mine = Files.createDirectories(dir.resolve("mine"));
    for (String f : List.of("layers.csv", "bops.csv", "history.csv")) {
      Files.writeString(mine.resolve(f), "the user's " + f + "\n");
    }
    refused(dir, "holds files jqp did not write", "train", "--out", mine.toString());
  }

  @Test
  void theRootAnEmptyPathAFileAndAUnderAFileAreRefused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("file"), "x\n");
    refused(dir, "file system root", "train", "--out", "/");
    refused(dir, "is empty", "train", "--out", "");
    refused(dir, "is a file", "train", "--out", dir.resolve("file").toString());
    refused(dir, "is a file", "train", "--out", dir.resolve("file/run").toString());
    refused(dir, "home folder", "train", "--out", System.getProperty("user.home"));
    Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
    refused(dir, "link to nothing", "train", "--out", dir.resolve("dangling").toString());
    refused(dir, "not a usable path", "train", "--out", "a\0b");
  }

  @Test
  void aReadOnlyFolderIsRefusedBeforeAnyData(@TempDir Path dir) throws Exception {
    Path ro = Files.createDirectories(dir.resolve("ro"));
    assertTrue(ro.toFile().setWritable(false));
    try {
      if (Files.isWritable(ro)) {
        return; // root ignores permissions: nothing to show here
      }
      refused(
          dir,
          "not writable",
          "train",
          "--data",
          "/nonexistent",
          "--out",
          ro.resolve("r").toString());
    } finally {
      ro.toFile().setWritable(true);
    }
  }

  @Test
  void aRunIntoASweepFolderAndASweepIntoARunAreRefused(@TempDir Path dir) throws Exception {
    Path sweep = Files.createDirectories(dir.resolve("sweep"));
    Files.writeString(sweep.resolve(".jqp-folder"), "sweep\n");
    refused(dir, "holds a sweep, not a run", "train", "--out", sweep.toString());
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.writeString(run.resolve(".jqp-folder"), "run\n");
    Files.writeString(dir.resolve("grid.yaml"), "axes: {quantization.bits: [4, 8]}\n");
    refused(
        dir,
        "holds a run, not a sweep",
        "sweep",
        "--config",
        dir.resolve("grid.yaml").toString(),
        "--out",
        run.toString());
  }

  @Test
  void aLargeGridNeedsAFlagAndCollidingValuesAreRefused(@TempDir Path dir) throws Exception {
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      values.append(i == 0 ? "" : ", ").append(i + 1);
    }
    Files.writeString(dir.resolve("big.yaml"), "axes: {optimization.seed: [" + values + "]}\n");
    refused(
        dir,
        "need --allow-large-grid",
        "sweep",
        "--config",
        dir.resolve("big.yaml").toString(),
        "--out",
        dir.resolve("s").toString());
    Files.writeString(dir.resolve("clash.yaml"), "axes: {data.path: ['a b', 'a_b']}\n");
    refused(
        dir,
        "would share the folder",
        "sweep",
        "--config",
        dir.resolve("clash.yaml").toString(),
        "--out",
        dir.resolve("s").toString());
  }

  @Test
  void aHugeConfigADirectoryConfigAndAGarbageConfigAreOneLine(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.yaml");
    Files.writeString(big, "data: {path: '" + "x".repeat(2 << 20) + "'}\n");
    refused(
        dir,
        "a config is at most",
        "run",
        "--config",
        big.toString(),
        "--out",
        dir.resolve("o").toString());
    Files.createDirectories(dir.resolve("cfgdir"));
    refused(
        dir,
        "is a folder",
        "run",
        "--config",
        dir.resolve("cfgdir").toString(),
        "--out",
        dir.resolve("o").toString());
    Files.write(dir.resolve("garbage.yaml"), new byte[] {(byte) 0xff, 0, 1, ':', '[', '{'});
    refused(
        dir,
        "garbage.yaml",
        "run",
        "--config",
        dir.resolve("garbage.yaml").toString(),
        "--out",
        dir.resolve("o").toString());
  }

  @Test
  void damagedIdxFilesAreOneLineNamingTheFile(@TempDir Path dir) throws Exception {
    Path good = SyntheticIdx.write(dir.resolve("good"), 64, 32);
    record Case(String name, byte[] images, String expected) {}
    byte[] real = Files.readAllBytes(good.resolve("train-images-idx3-ubyte.gz"));
    List<Case> cases =
        List.of(
            new Case("truncated", java.util.Arrays.copyOf(real, real.length / 2), "truncated"),
            new Case("plain", "not gzip at all".getBytes(), "not gzip"),
            new Case("magic", gz(new int[] {1234, 64, 28, 28}, 0), "magic 1234"),
            new Case("absurd", gz(new int[] {2051, -5, 28, 28}, 0), "declares -5 images"),
            new Case("huge", gz(new int[] {2051, 1 << 24, 4096, 4096}, 0), "declares"),
            new Case("short", gz(new int[] {2051, 64, 28, 28}, 100), "shorter than its header"));
    for (Case c : cases) {
      Path data = Files.createDirectories(dir.resolve(c.name()));
      for (String f :
          List.of(
              "train-labels-idx1-ubyte.gz",
              "t10k-images-idx3-ubyte.gz",
              "t10k-labels-idx1-ubyte.gz")) {
        Files.copy(good.resolve(f), data.resolve(f));
      }
      Files.write(data.resolve("train-images-idx3-ubyte.gz"), c.images());
      Path cfg = dir.resolve(c.name() + ".yaml");
      Files.writeString(cfg, "data: {path: " + data + "}\noptimization: {batchSize: 32}\n");
      refused(
          dir,
          c.expected(),
          "run",
          "--config",
          cfg.toString(),
          "--out",
          dir.resolve("out-" + c.name()).toString());
      assertFalse(Files.exists(dir.resolve("out-" + c.name())));
    }
  }

  private static byte[] gz(int[] header, int payload) throws Exception {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(b))) {
      for (int h : header) {
        out.writeInt(h);
      }
      out.write(new byte[payload]);
    }
    return b.toByteArray();
  }

  @Test
  void benchArgumentsAreCheckedBeforeItRuns(@TempDir Path dir) throws Exception {
    refused(dir, "--steps: must be in [1, 1000000], got 0", "bench", "--steps", "0");
    refused(dir, "--batch-size: must be in [1, 4096], got 0", "bench", "--batch-size", "0");
    refused(dir, "is a folder", "bench", "--steps", "1", "--json", dir.toString());
    refused(
        dir,
        "--run-arms: unknown arm 'pqx'; use some of pq, pq-xla, qp (FP32 always runs)",
        "bench",
        "--runs",
        "1",
        "--run-arms",
        "pq,pqx");
    refused(
        dir,
        "--step-arms: unknown arm 'fp32'; use some of w, wa, wa-even, wa-xla, qw, qa, pw, pa, wa-ownpool (FP32"
            + " always runs)",
        "bench",
        "--step-arms",
        "wa,fp32");
    refused(
        dir, "--slice: must be in [0, 1000000], got -1", "bench", "--runs", "1", "--slice", "-1");
    refused(dir, "--slice: times whole runs in turns; give --runs too", "bench", "--slice", "25");
    Path notJson = Files.writeString(dir.resolve("notes.md"), "# my notes\n");
    Path other = dir.resolve("other.json");
    refused(dir, "is not JSON", "bench", "--pool", notJson + "," + notJson);
    refused(dir, "does not exist", "bench", "--pool", other + "," + notJson);
    refused(dir, "give two or more", "bench", "--pool", notJson.toString());
    refused(dir, "drop --runs", "bench", "--runs", "2", "--pool", notJson + "," + other);
    refused(
        dir,
        "is one of the --pool files",
        "bench",
        "--pool",
        notJson + "," + other,
        "--json",
        notJson.toString());
  }

  @Test
  void usageErrorsAreOneLineAndHelpHasNoWarning(@TempDir Path dir) throws Exception {
    refused(
        dir,
        "did you mean --epochs",
        "train",
        "--out",
        dir.resolve("r").toString(),
        "--epoch",
        "3");
    refused(
        dir, "Invalid value", "train", "--out", dir.resolve("r").toString(), "--epochs", "many");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    java.io.PrintStream oldErr = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(0, io.jqp.experiments.cli.Jqp.execute("bench", "--help"));
    } finally {
      System.setOut(old);
      System.setErr(oldErr);
    }
    assertFalse(err.toString().contains("picocli WARN"), err.toString());
    assertTrue(out.toString().contains("50% weight masks"), out.toString());
  }

  @Test
  void damagedRunFoldersAreSkippedNamingThemAndTheRestReported(@TempDir Path dir) throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("metrics.json"), "");
    Files.writeString(empty.resolve("config.yaml"), "{}\n");
    Path garbage = Files.createDirectories(dir.resolve("garbage"));
    Files.writeString(garbage.resolve("metrics.json"), "{not json");
    MalformedSpecTest.Outcome o = jqp("summarize", empty.toString(), garbage.toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("skipped: " + empty.resolve("metrics.json")), o.err());
    assertTrue(o.err().contains("skipped: " + garbage.resolve("metrics.json")), o.err());
    assertTrue(
        o.err().strip().endsWith("none of the 2 folders holds a readable finished run"), o.err());
    Map<String, String> before = checksums(dir);
    MalformedSpecTest.Outcome r = jqp("report", dir.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(before, checksums(dir));
  }

  @Test
  void aRuleGlobMatchingNoLayerAndAnAliasAreOneLine(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("glob.yaml");
    Files.writeString(cfg, "rules: [{layers: 'cnov*', site: weight, quantizer: {id: fixed}}]\n");
    refused(
        dir,
        "rules[0].layers: 'cnov*' matches no layer of small-cnn",
        "run",
        "--config",
        cfg.toString(),
        "--out",
        dir.resolve("o").toString());
    Path alias = dir.resolve("alias.yaml");
    Files.writeString(alias, "quantization: &q {bits: 8}\npruning: *q\n");
    refused(
        dir,
        "pruning: must be a section of keys",
        "run",
        "--config",
        alias.toString(),
        "--out",
        dir.resolve("o").toString());
  }

  @Test
  void resultsAreWrittenWithTheUmasksModeNotPrivately(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.json");
    io.jqp.experiments.run.AtomicFiles.write(f, "{}");
    Path plain = Files.createFile(dir.resolve("plain"));
    assertEquals(
        Files.getPosixFilePermissions(plain),
        Files.getPosixFilePermissions(f),
        "the mode of any new file under this umask, not createTempFile's 0600");
  }

  @Test
  void aGarbageConfigOrABrokenLayersCsvBesideGoodMetricsIsSkippedNamingTheFolder(@TempDir Path dir)
      throws Exception {
    String metrics = "{\"metric\": 80.0, \"weight_mb\": 1.0, \"activation_mb\": 0.5, \"pd\": 10.0}";
    Path garbage = Files.createDirectories(dir.resolve("garbage-config"));
    Files.writeString(garbage.resolve("metrics.json"), metrics);
    Files.writeString(garbage.resolve("config.yaml"), "bits: [[[\n");
    Path broken = Files.createDirectories(dir.resolve("broken-layers"));
    Files.writeString(broken.resolve("metrics.json"), metrics);
    Files.writeString(broken.resolve("config.yaml"), "quantization: {bits: 8}\n");
    Files.writeString(broken.resolve("layers.csv"), "name,layer\nconv1/weight\n");
    Map<String, String> before = checksums(dir);
    MalformedSpecTest.Outcome o = jqp("summarize", garbage.toString(), broken.toString());
    assertEquals(2, o.code(), o.err());
    assertEquals(3, o.err().strip().lines().count(), o.err());
    assertTrue(o.err().contains("skipped: " + garbage.resolve("config.yaml")), o.err());
    assertTrue(o.err().contains("skipped: " + broken.resolve("layers.csv")), o.err());
    assertFalse(o.err().contains("Exception"), o.err());
    assertEquals(before, checksums(dir));
  }
}
