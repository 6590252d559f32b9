package io.jqp.experiments.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.experiments.cli.Jqp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Malformed run specs, generated over the spec's fields (jqwik): a value of the wrong type, out of
 * range, null, an unknown key, a duplicate key, an unknown plugin id with its stage off. Each is
 * run through {@code jqp run --config}; each must exit 2 with one line naming the field, create no
 * output folder, and leave every file already there unchanged (checksums).
 */
class MalformedSpecTest {

  /** A spec leaf: its path and what it holds. */
  record Leaf(String path, String kind) {}

  static final List<Leaf> LEAVES =
      List.of(
          new Leaf("optimization.epochs", "int"),
          new Leaf("optimization.batchSize", "int"),
          new Leaf("optimization.threads", "int"),
          new Leaf("quantization.bits", "int"),
          new Leaf("quantization.window", "int"),
          new Leaf("pruning.window", "int"),
          new Leaf("checkpoints.every", "int"),
          new Leaf("checkpoints.keep", "int"),
          new Leaf("data.trainLimit", "int"),
          new Leaf("data.testLimit", "int"),
          new Leaf("schedule.pruneRepetitions", "int"),
          new Leaf("optimization.seed", "int"),
          new Leaf("schedule.weightDelay", "int"),
          new Leaf("schedule.activationDelay", "int"),
          new Leaf("schedule.pruneStart", "int"),
          new Leaf("schedule.pruneInterval", "int"),
          new Leaf("optimization.learningRate", "number"),
          new Leaf("optimization.weightDecay", "number"),
          new Leaf("pruning.sparsity", "number"),
          new Leaf("method.beta", "number"),
          new Leaf("method.gamma", "number"),
          new Leaf("method.gateThreshold", "number"),
          new Leaf("method.gateInit", "number"),
          new Leaf("optimization.strategyLrScale", "number"),
          new Leaf("pruning.activations", "bool"),
          new Leaf("method.powerOfTwo", "bool"),
          new Leaf("data.task", "text"),
          new Leaf("model.id", "text"),
          new Leaf("optimization.optimizer.id", "text"),
          new Leaf("quantization.quantizer.id", "text"),
          new Leaf("pruning.pruner.id", "text"),
          new Leaf("schedule.preset", "text"),
          new Leaf("method.id", "text"),
          new Leaf("optimization.lrSchedule", "text"),
          new Leaf("data.path", "text"));

  /** Out-of-range values of the numeric leaves: [low bound, high bound] of what is refused. */
  static final Map<String, double[][]> OUT_OF_RANGE =
      Map.ofEntries(
          Map.entry("optimization.epochs", new double[][] {{-1e6, 0}, {10_001, 1e9}}),
          Map.entry("optimization.batchSize", new double[][] {{-1e6, 0}, {4097, 1e9}}),
          Map.entry("optimization.threads", new double[][] {{-1e6, 0}, {257, 1e9}}),
          Map.entry("quantization.bits", new double[][] {{-1e6, 1}, {33, 1e9}}),
          Map.entry("quantization.window", new double[][] {{-1e6, -1}, {65_537, 1e9}}),
          Map.entry("pruning.window", new double[][] {{-1e6, 0}, {65_537, 1e9}}),
          Map.entry("checkpoints.every", new double[][] {{-1e6, -1}}),
          Map.entry("checkpoints.keep", new double[][] {{-1e6, -1}, {1001, 1e9}}),
          Map.entry("data.trainLimit", new double[][] {{-1e6, -1}}),
          Map.entry("schedule.weightDelay", new double[][] {{-1e6, -2}}),
          Map.entry("schedule.pruneInterval", new double[][] {{-1e6, -2}}),
          Map.entry("optimization.learningRate", new double[][] {{-1e3, 0}, {10, 1e6}}),
          Map.entry("optimization.weightDecay", new double[][] {{-1e3, -1e-3}, {1, 1e6}}),
          Map.entry("pruning.sparsity", new double[][] {{-1e3, -1e-3}, {1, 1e6}}),
          Map.entry("method.beta", new double[][] {{-1e3, -1e-3}, {100.001, 1e6}}),
          Map.entry("method.gateInit", new double[][] {{-1e3, -30.001}, {10.001, 1e6}}));

  @Provide
  Arbitrary<Map.Entry<String, String>> wrongTypes() {
    Arbitrary<Leaf> leaf = Arbitraries.of(LEAVES);
    return leaf.flatMap(
        l -> {
          Arbitrary<String> bad =
              switch (l.kind()) {
                case "int" ->
                    Arbitraries.oneOf(
                        Arbitraries.integers().between(0, 999).map(i -> "'" + i + "'"),
                        Arbitraries.integers().between(0, 999).map(i -> i + ".5"),
                        Arbitraries.of("true", "false", "[1]", "{a: 1}", "abc"));
                case "number" ->
                    Arbitraries.oneOf(
                        Arbitraries.doubles().between(0, 1).map(d -> "'" + d + "'"),
                        Arbitraries.of("true", "[0.5]", "{a: 1}", "abc"));
                case "bool" ->
                    Arbitraries.oneOf(
                        Arbitraries.integers().between(-9, 9).map(String::valueOf),
                        Arbitraries.of("'true'", "[true]", "{a: 1}", "maybe", "1.5"));
                default -> Arbitraries.of("[a, b]", "{a: 1}", "7", "2.5", "true");
              };
          return bad.map(v -> Map.entry(l.path(), v));
        });
  }

  @Property(tries = 60)
  void aValueOfTheWrongTypeIsRefusedNamingItsPath(
      @ForAll("wrongTypes") Map.Entry<String, String> bad) throws IOException {
    refused(nested(bad.getKey(), bad.getValue()), bad.getKey());
  }

  @Provide
  Arbitrary<Map.Entry<String, String>> outOfRange() {
    return Arbitraries.of(OUT_OF_RANGE.keySet().stream().sorted().toList())
        .flatMap(
            path -> {
              double[][] ranges = OUT_OF_RANGE.get(path);
              boolean whole =
                  LEAVES.stream().anyMatch(l -> l.path().equals(path) && l.kind().equals("int"));
              Arbitrary<double[]> range = Arbitraries.of(ranges);
              return range.flatMap(
                  r ->
                      whole
                          ? Arbitraries.longs()
                              .between((long) r[0], (long) r[1])
                              .map(v -> Map.entry(path, String.valueOf(v)))
                          : Arbitraries.doubles()
                              .ofScale(4)
                              .between(r[0], r[1])
                              .map(v -> Map.entry(path, String.valueOf(v))));
            });
  }

  @Property(tries = 60)
  void aValueOutOfRangeIsRefusedNamingItsPath(@ForAll("outOfRange") Map.Entry<String, String> bad)
      throws IOException {
    refused(nested(bad.getKey(), bad.getValue()), bad.getKey());
  }

  @Property(tries = 25)
  void aNullIsRefusedNamingItsPath(@ForAll("leaves") Leaf leaf) throws IOException {
    refused(nested(leaf.path(), "~"), leaf.path());
  }

  @Provide
  Arbitrary<Leaf> leaves() {
    return Arbitraries.of(LEAVES);
  }

  @Property(tries = 25)
  void anUnknownKeyIsRefusedNamingIt(
      @ForAll("sections") String section, @ForAll("identifiers") String key) throws IOException {
    refused(section + ": {" + key + ": 1}", key);
  }

  @Provide
  Arbitrary<String> sections() {
    return Arbitraries.of(
        "data",
        "model",
        "optimization",
        "quantization",
        "pruning",
        "schedule",
        "method",
        "checkpoints");
  }

  @Provide
  Arbitrary<String> identifiers() {
    // 'zz' prefix: never one of the spec's keys
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .ofMinLength(1)
        .ofMaxLength(8)
        .map(s -> "zz" + s);
  }

  @Property(tries = 15)
  void aDuplicateKeyIsRefused(@ForAll("leaves") Leaf leaf) throws IOException {
    String[] parts = leaf.path().split("\\.");
    String key = parts[parts.length - 1];
    String section = parts[0];
    String v = leaf.kind().equals("bool") ? "true" : leaf.kind().equals("text") ? "x" : "1";
    String body =
        parts.length == 2
            ? section + ":\n  " + key + ": " + v + "\n  " + key + ": " + v + "\n"
            : section + ":\n  " + parts[1] + ":\n    id: a\n    id: b\n";
    refused(body, "Duplicate");
  }

  @Property(tries = 15)
  void anUnknownPluginIdIsRefusedWithItsStageOff(
      @ForAll("pluginFields") String path, @ForAll("identifiers") String id) throws IOException {
    // bits 32 and sparsity 0 (the defaults): neither stage is on, the ids are still checked
    refused(nested(path, id), id);
  }

  @Provide
  Arbitrary<String> pluginFields() {
    return Arbitraries.of(
        "quantization.quantizer.id", "pruning.pruner.id", "optimization.optimizer.id", "model.id");
  }

  /** Nested YAML for a dotted path: {@code a.b.c: v} as {@code a: {b: {c: v}}}. */
  static String nested(String path, String value) {
    String[] p = path.split("\\.");
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < p.length - 1; i++) {
      s.append(p[i]).append(": {");
    }
    s.append(p[p.length - 1]).append(": ").append(value);
    s.append("}".repeat(p.length - 1));
    return s + "\n";
  }

  /**
   * Runs {@code jqp run --config} on the spec in a folder holding a user's file; checks exit 2, one
   * line naming {@code expected}, no output folder, every file unchanged.
   */
  static void refused(String yaml, String expected) throws IOException {
    Path dir = Files.createTempDirectory("jqp-malformed");
    try {
      Files.writeString(dir.resolve("notes.txt"), "a user's own file\n");
      Path cfg = dir.resolve("spec.yaml");
      Files.writeString(cfg, yaml);
      Map<String, String> before = checksums(dir);
      Path out = dir.resolve("run");
      Outcome o = jqp("run", "--config", cfg.toString(), "--out", out.toString());
      assertEquals(2, o.code(), yaml + " -> " + o.err());
      String err = o.err().strip();
      assertEquals(1, err.lines().count(), "one line: " + err);
      assertTrue(err.startsWith("error: "), err);
      assertTrue(err.contains(expected), "names " + expected + ": " + err + "\nfor " + yaml);
      assertFalse(
          err.matches(".*\\b(java|com|org)\\.[a-z]+\\.[A-Za-z.]+.*"), "no class names: " + err);
      assertFalse(Files.exists(out), "no output folder");
      assertEquals(before, checksums(dir), "every file unchanged");
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  record Outcome(int code, String err) {}

  static synchronized Outcome jqp(String... args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      int code = Jqp.execute(args);
      return new Outcome(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  static Map<String, String> checksums(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        try {
          m.put(
              dir.relativize(p).toString(),
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return m;
  }
}
