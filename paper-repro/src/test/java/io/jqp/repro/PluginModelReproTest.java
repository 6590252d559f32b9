package io.jqp.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.experiments.SyntheticIdx;
import io.jqp.experiments.SyntheticPhotos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code repro table4 --quick --model <a plugin jar's model>}: the example plugin project is built
 * as a user would, its jar dropped into a plugins folder, and the table reproduced (one seed, one
 * epoch, on generated data) with its {@code hook-mlp} model in the classification rows.
 */
@Tag("slow")
class PluginModelReproTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void table4RunsWithAPluginJarsModel(@TempDir Path dir) throws Exception {
    exec(
        ROOT,
        List.of(
            "mvn", "-B", "-q", "install", "-Dmaven.test.skip=true", "-pl", "api,engine-tf", "-am"));
    Path example = ROOT.resolve("examples/plugin-example");
    exec(example, List.of("mvn", "-B", "-q", "package"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(
        example.resolve("target/jqp-plugin-example-0.1.0.jar"),
        plugins.resolve("jqp-plugin-example-0.1.0.jar"));
    Path data = SyntheticIdx.write(dir.resolve("data"), 4200, 300);
    Path photos = SyntheticPhotos.write(dir.resolve("photos"));
    Path out = dir.resolve("table4");
    String log =
        exec(
            ROOT,
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.jqp.repro.Main",
                "--plugins",
                plugins.toString(),
                "repro",
                "table4",
                "--quick",
                "--model",
                "hook-mlp",
                "--seeds",
                "1",
                "--epochs",
                "1",
                "--sr-epochs",
                "1",
                "--threads",
                "1",
                "--data",
                data.toString(),
                "--photos",
                photos.toString(),
                "--out",
                out.toString()));
    assertTrue(Files.size(out.resolve("table4.png")) > 0, log);
    List<String> rows = Files.readAllLines(out.resolve("results.csv"));
    assertTrue(rows.size() > 1, String.join("\n", rows));
    for (Path config :
        Files.find(out, 3, (p, a) -> p.getFileName().toString().equals("config.yaml")).toList()) {
      String spec = Files.readString(config);
      if (spec.contains("fashion-mnist")) {
        assertTrue(spec.contains("hook-mlp"), config + ":\n" + spec);
      }
    }
    assertTrue(
        Files.find(out, 3, (p, a) -> p.getFileName().toString().equals("config.yaml"))
            .anyMatch(
                p -> {
                  try {
                    return Files.readString(p).contains("hook-mlp");
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                }),
        "some classification run trained the plugin model: ");
  }

  private static String exec(Path cwd, List<String> cmd) throws Exception {
    Path log = Files.createTempFile("jqp-exec", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(new ArrayList<>(cmd))
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().remove("JQP_PLUGINS");
    Process p = pb.start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finished: " + cmd);
    String out = Files.readString(log);
    Files.delete(log);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
    return out;
  }
}
