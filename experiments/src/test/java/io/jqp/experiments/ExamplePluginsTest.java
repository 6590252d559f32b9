package io.jqp.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.experiments.run.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin project under {@code examples/plugin-example} (its own pom, depending on the installed
 * jqp-api and jqp-engine-tf) is built with Maven as a user would, its jar dropped into a plugins
 * folder, and jqp, in another JVM, lists its Kotlin quantizer, Java pruner and model, trains
 * Fashion-MNIST-shaped data with them, and names them in layers.csv and {@code summarize}.
 */
@Tag("slow")
class ExamplePluginsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  @TempDir static Path dir;
  static Path plugins;

  @BeforeAll
  static void buildTheExample() throws Exception {
    // what the README tells a plugin author: install jqp's API and engine, then package the plugin
    // project
    exec(
        ROOT,
        List.of(
            "mvn", "-B", "-q", "install", "-Dmaven.test.skip=true", "-pl", "api,engine-tf", "-am"),
        Map.of());
    Path example = ROOT.resolve("examples/plugin-example");
    exec(example, List.of("mvn", "-B", "-q", "package"), Map.of());
    plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(
        example.resolve("target/jqp-plugin-example-0.1.0.jar"),
        plugins.resolve("jqp-plugin-example-0.1.0.jar"));
  }

  @Test
  void listPluginsShowsTheThreeFromTheFlagOrTheEnvironment() throws Exception {
    for (boolean env : new boolean[] {false, true}) {
      List<String> args =
          new ArrayList<>(env ? List.of() : List.of("--plugins", plugins.toString()));
      args.add("list-plugins");
      String out = jqp(args, env ? Map.of("JQP_PLUGINS", plugins.toString()) : Map.of(), 0);
      for (String s :
          new String[] {
            "  ternary — example (Kotlin)",
            "  quantile — example (Java)",
            "  hook-mlp — example (Java)",
            "models: small-cnn, cnn3, hook-mlp, mobilenet-v2 (default small-cnn)"
          }) {
        assertTrue(out.contains(s), "'" + s + "' in\n" + out);
      }
    }
  }

  @Test
  void aRunTrainsThePluginModelWithThePluginStrategiesAndNamesThem() throws Exception {
    Path data = SyntheticIdx.write(dir.resolve("data"), 512, 200);
    Path cfg = dir.resolve("run.yaml");
    Files.writeString(
        cfg,
        String.join(
                "\n",
                "data: " + data,
                "model: hook-mlp",
                "modelOptions: {hidden: 32}",
                "epochs: 1",
                "batchSize: 64",
                "threads: 1",
                "bits: 8",
                "quantizer: ternary",
                "sparsity: 0.5",
                "pruner: quantile")
            + "\n");
    Path runs = dir.resolve("runs");
    Path run = runs.resolve("hook");
    jqp(
        List.of(
            "--plugins",
            plugins.toString(),
            "run",
            "--config",
            cfg.toString(),
            "--out",
            run.toString()),
        Map.of(),
        0);
    Map<String, Map<String, String>> sites = new java.util.HashMap<>();
    for (Map<String, String> r : RunSummary.layers(run)) {
      sites.put(r.get("name"), r);
    }
    assertEquals(
        List.of("in/activation", "in/weight", "mixer/activation", "mixer/weight", "out/weight"),
        sites.keySet().stream().sorted().toList());
    Map<String, String> mixer = sites.get("mixer/weight");
    assertEquals("ternary(ratio=0.7)", mixer.get("quantizer"));
    assertEquals("2", mixer.get("bits"));
    assertEquals("quantile(0.5)", mixer.get("pruner"), "the hand-written middle layer is pruned");
    assertEquals(0.5, Double.parseDouble(mixer.get("sparsity")), 0.05);
    assertEquals(
        "Pruner.none()", sites.get("in/weight").get("pruner"), "the first layer is never pruned");
    String summary =
        jqp(List.of("--plugins", plugins.toString(), "summarize", run.toString()), Map.of(), 0);
    assertTrue(
        summary.contains(
            "| hook | fashion-mnist | hook-mlp | none | 2 | 0.50 | w | ternary(ratio=0.7); quantile(0.5) |"),
        summary);
    // without the jar the model is unknown, in one line
    Path cfgNoPlugins = dir.resolve("again");
    String err =
        jqp(
            List.of("run", "--config", cfg.toString(), "--out", cfgNoPlugins.toString()),
            Map.of(),
            2);
    assertTrue(
        err.strip()
            .endsWith(
                "model: unknown model 'hook-mlp'; known: cnn3, espcn, mobilenet-v2, small-cnn"),
        err);
  }

  @Test
  void aBadPluginsFolderIsOneLine() throws Exception {
    String err =
        jqp(List.of("--plugins", dir.resolve("nope").toString(), "list-plugins"), Map.of(), 2);
    assertEquals(
        "error: --plugins "
            + dir.resolve("nope")
            + " does not exist; give a folder holding plugin jars",
        err.strip());
  }

  /**
   * Runs jqp in another JVM with this test's class path; returns stdout + stderr and checks the
   * exit code.
   */
  private static String jqp(List<String> args, Map<String, String> env, int code) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.jqp.experiments.cli.Jqp"));
    cmd.addAll(args);
    String out = exec(ROOT, cmd, env, code);
    return out;
  }

  private static void exec(Path cwd, List<String> cmd, Map<String, String> env) throws Exception {
    exec(cwd, cmd, env, 0);
  }

  private static String exec(Path cwd, List<String> cmd, Map<String, String> env, int code)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "exec", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().remove("JQP_PLUGINS");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finished: " + cmd);
    String out = Files.readString(log);
    assertEquals(code, p.exitValue(), String.join(" ", cmd) + "\n" + out);
    return out;
  }
}
