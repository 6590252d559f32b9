package io.jqp.experiments.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jqp.api.JqpException;
import io.jqp.engine.tf.TfModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic checkpoints of a run: {@code checkpoints/step-N.ckpt} (every variable and the step,
 * CRC-checked, written atomically by the engine) with {@code step-N.json} beside it (the epochs
 * finished so far and the current epoch's loss sum), the newest {@code keep} kept. The sidecar is
 * written first, so every checkpoint file has one.
 */
final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final Pattern NAME = Pattern.compile("step-(\\d+)\\.ckpt");

  private Checkpoints() {}

  /** What a run had done when a checkpoint was taken. */
  record Progress(Path file, List<Runner.Epoch> epochs, double lossSum) {}

  static void save(TfModel model, Path out, List<Runner.Epoch> epochs, double lossSum, int keep)
      throws IOException {
    Path dir = out.resolve("checkpoints");
    Files.createDirectories(dir);
    Map<String, Object> progress = new LinkedHashMap<>();
    progress.put("step", model.step());
    progress.put("loss_sum", lossSum);
    progress.put("epochs", epochs);
    AtomicFiles.write(
        dir.resolve("step-" + model.step() + ".json"), Runner.JSON.writeValueAsString(progress));
    model.save(dir.resolve("step-" + model.step() + ".ckpt"));
    List<Path> all = list(out);
    for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
      Files.deleteIfExists(old);
      Files.deleteIfExists(sidecar(old));
    }
  }

  /** Checkpoint files, newest first. */
  static List<Path> list(Path out) throws IOException {
    Path dir = out.resolve("checkpoints");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(Checkpoints::step).reversed())
          .toList();
    }
  }

  private static long step(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static Path sidecar(Path ckpt) {
    return ckpt.resolveSibling(ckpt.getFileName().toString().replace(".ckpt", ".json"));
  }

  /**
   * Before a resume does anything: the newest checkpoint with a readable header must have been
   * saved for this spec ({@code fingerprint}); one saved for another (the run's config.yaml edited
   * since) is a one-line refusal that changes no file. Damaged checkpoints are left to {@link
   * #restoreNewest}.
   */
  static void checkSpec(Path out, String fingerprint) throws IOException {
    for (Path ckpt : list(out)) {
      String saved;
      try {
        saved = io.jqp.engine.tf.TfCheckpoint.fingerprint(ckpt);
      } catch (JqpException | IOException damaged) {
        continue;
      }
      if (!saved.equals(fingerprint)) {
        throw specEdited(out);
      }
      return;
    }
  }

  private static JqpException specEdited(Path out) {
    return new JqpException(
        "--resume: "
            + out.resolve("config.yaml")
            + " is not the spec the run's checkpoints were saved with (edited since?);"
            + " undo the edit, or start the changed run in a new folder with --config");
  }

  /**
   * Restores the newest checkpoint that reads back whole and fits the model; an unreadable one
   * (truncated, corrupt) is reported and renamed {@code *.ckpt.unusable} (never overwritten or
   * deleted), and the one before it is tried. A whole checkpoint saved with another spec (the run's
   * {@code config.yaml} edited since) is a one-line refusal that changes no file.
   */
  static Progress restoreNewest(TfModel model, Path out) throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path ckpt : list(out)) {
      try {
        var json = Runner.JSON.readTree(sidecar(ckpt).toFile());
        List<Runner.Epoch> epochs =
            Runner.JSON.convertValue(
                json.get("epochs"), new TypeReference<List<Runner.Epoch>>() {});
        model.restore(ckpt);
        return new Progress(ckpt, epochs, json.get("loss_sum").asDouble());
      } catch (io.jqp.engine.tf.TfCheckpoint.FingerprintMismatch e) {
        // a whole checkpoint of another spec: the run's config.yaml was edited; touch nothing
        throw specEdited(out);
      } catch (IOException | RuntimeException e) {
        String why =
            e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().split("\n")[0];
        // kept for inspection under another name, so a later save of the same step cannot overwrite
        // it
        Path aside = ckpt.resolveSibling(ckpt.getFileName() + ".unusable");
        Files.move(ckpt, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        LOG.warn(
            "checkpoint {} cannot be used ({}); kept as {}; trying the one before it",
            ckpt,
            why,
            aside.getFileName());
        problems.add(ckpt.getFileName() + ": " + why);
      }
    }
    throw new JqpException(
        "no usable checkpoint in "
            + out.resolve("checkpoints")
            + " ("
            + String.join("; ", problems)
            + ")");
  }
}
