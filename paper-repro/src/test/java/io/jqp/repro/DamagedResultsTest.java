package io.jqp.repro;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.experiments.run.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged results read back: table6 flags them, a repro or sweep sets a damaged arm aside. */
class DamagedResultsTest {

  @Test
  void table6FlagsADamagedResultsJsonAndStillGivesThePapersRows(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("results.json"), "{\"scale\": \"quick\", \"arms\": 7");
    String md = Table6.markdown(dir);
    assertTrue(md.contains("is damaged"), md);
    assertTrue(md.contains("Bayesian Bits"), "the published rows stand: " + md);
  }

  @Test
  void aDamagedFinishedArmIsSetAsideNotReused(@TempDir Path dir) throws Exception {
    Path arm = Files.createDirectories(dir.resolve("P-then-Q-seed1"));
    Files.writeString(arm.resolve("metrics.json"), "");
    assertFalse(RunSummary.finished(arm));
    assertTrue(Files.isRegularFile(arm.resolve("metrics.json.damaged")), "kept, not deleted");
    assertFalse(Files.exists(arm.resolve("metrics.json")));
  }
}
