package io.jqp.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.jqp.api.Quantizer;
import io.jqp.api.Recipe;
import io.jqp.engine.tf.LearningRate;
import io.jqp.engine.tf.Losses;
import io.jqp.engine.tf.Optimizer;
import io.jqp.engine.tf.TfModel;
import io.jqp.experiments.models.SmallCnn;
import io.jqp.experiments.run.TrainConfig;
import io.jqp.experiments.wiring.ArmModule;
import io.jqp.experiments.wiring.Experiment;
import io.jqp.experiments.wiring.Roles;
import io.jqp.experiments.wiring.StrategiesModule;
import io.jqp.experiments.wiring.SwapModule;
import io.jqp.plugins.Pruners;
import io.jqp.plugins.Quantizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's code snippets are compiled (and the cheap ones run) here: each lives in this file or
 * in {@code ReadmeSnippetsSpec.kt} between {@code // readme:NAME} and {@code // readme:end}, and
 * must appear in README.md verbatim (after removing the common indentation), so the README cannot
 * show code that does not build.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void everySnippetIsInTheReadmeVerbatim() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    List<String> snippets = new ArrayList<>();
    snippets.addAll(
        regions(
            Files.readString(
                ROOT.resolve("paper-repro/src/test/java/io/jqp/repro/ReadmeSnippetsTest.java"))));
    snippets.addAll(
        regions(
            Files.readString(
                ROOT.resolve("paper-repro/src/test/kotlin/io/jqp/repro/ReadmeSnippetsSpec.kt"))));
    assertEquals(5, snippets.size(), "snippets found: " + snippets);
    for (String s : snippets) {
      assertTrue(
          readme.contains(s),
          "README.md lacks this compiled snippet (copy it there verbatim):\n" + s);
    }
  }

  /** The marked regions of a source file, de-indented. */
  static List<String> regions(String source) {
    List<String> out = new ArrayList<>();
    List<String> lines = source.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().matches("// readme:[a-z-]+")
          && !lines.get(i).strip().equals("// readme:end")) {
        List<String> body = new ArrayList<>();
        for (i++; !lines.get(i).strip().equals("// readme:end"); i++) {
          body.add(lines.get(i));
        }
        int indent =
            body.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        out.add(
            String.join(
                    "\n", body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList())
                + "\n");
      }
    }
    return out;
  }

  @Test
  void theJavaApiSnippetTrains() {
    TfModel.Batch batch = TfModel.Batch.classification(new float[32 * 28 * 28], new int[32]);
    // readme:java-api
    Recipe recipe =
        Recipe.fullPrecision()
            .withWeightQuantizer(Quantizers.fixed(8)) // d* by minimum squared error at step 0
            .withActivationQuantizer(Quantizers.fixed(8))
            .withWeightPruner(Pruners.magnitude(0.5)); // first and last layers are never pruned
    long steps = 1000;
    try (TfModel model =
        TfModel.build(
            new SmallCnn(10),
            new long[] {28, 28, 1},
            Losses.SOFTMAX_CROSS_ENTROPY,
            10,
            recipe,
            Optimizer.adam(LearningRate.cosine(1e-3, steps)), /* seed */
            1, /* threads */
            2, /* batch */
            32,
            "my-run")) {
      float loss = model.trainStep(batch); // a TfModel.Batch of 32 images and labels
      System.out.println("loss " + loss);
    }
    // readme:end
  }

  @Test
  void theNamedLambdaSnippetNamesItsQuantizer() {
    // readme:named-lambda
    Quantizer grid16 =
        Quantizer.named(
            "grid16",
            (ops, x, ctx) -> {
              var q = ops.div(ops.round(ops.mul(x, ops.constant(16))), ops.constant(16));
              return ops.add(
                  ops.stopGradient(q),
                  ops.sub(x, ops.stopGradient(x))); // straight-through gradient
            });
    // readme:end
    assertEquals("grid16", grid16.toString());
  }

  /** Compiled, not run: it trains a whole run. */
  static void guiceSnippet(TrainConfig base) throws Exception {
    // readme:guice
    Module arm =
        Modules.override(ArmModule.quantizeThenPrune(base), new StrategiesModule())
            .with(
                SwapModule.quantizer(
                    Roles.ACTIVATION_QUANTIZER,
                    "saturated",
                    Map.of("bits", 8, "delay", 824, "window", 2048)));
    Guice.createInjector(arm).getInstance(Experiment.class).run(Path.of("runs/qp-saturated"));
    // readme:end
  }

  @Test
  void theGuiceSnippetCompiles() throws Exception {
    assertTrue(
        ReadmeSnippetsTest.class.getDeclaredMethod("guiceSnippet", TrainConfig.class) != null);
  }
}
