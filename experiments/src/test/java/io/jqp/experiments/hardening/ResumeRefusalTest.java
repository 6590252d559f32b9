package io.jqp.experiments.hardening;

import static io.jqp.experiments.hardening.MalformedSpecTest.checksums;
import static io.jqp.experiments.hardening.MalformedSpecTest.jqp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.experiments.SyntheticIdx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume} after the run's config.yaml was edited: a one-line refusal that renames no
 * checkpoint and changes no file; once the edit is undone, the run resumes and finishes.
 */
@Tag("slow")
class ResumeRefusalTest {

  @Test
  void anEditedSpecIsRefusedWithoutTouchingACheckpoint(@TempDir Path dir) throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 128, 64);
    Path cfg = dir.resolve("spec.yaml");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "data: {path: " + data + ", trainLimit: 128}",
            "optimization: {epochs: 2, batchSize: 32, threads: 1}",
            "quantization: {bits: 8}",
            "checkpoints: {every: 2}",
            ""));
    Path run = dir.resolve("run");
    assertEquals(0, jqp("run", "--config", cfg.toString(), "--out", run.toString()).code());
    // the process "died" after its last checkpoint: no metrics.json
    Files.delete(run.resolve("metrics.json"));
    String spec = Files.readString(run.resolve("config.yaml"));
    assertTrue(spec.contains("bits: 8"), spec);
    Files.writeString(run.resolve("config.yaml"), spec.replace("bits: 8", "bits: 6"));
    Map<String, String> before = checksums(run);
    MalformedSpecTest.Outcome o = jqp("run", "--resume", "--out", run.toString());
    String err = o.err().strip();
    assertEquals(2, o.code(), err);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains("is not the spec the run's checkpoints were saved with"), err);
    assertEquals(before, checksums(run), "no checkpoint renamed, no file changed");
    // the edit undone: the run resumes from its checkpoint and finishes
    Files.writeString(run.resolve("config.yaml"), spec);
    MalformedSpecTest.Outcome again = jqp("run", "--resume", "--out", run.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(Files.isRegularFile(run.resolve("metrics.json")));
  }
}
