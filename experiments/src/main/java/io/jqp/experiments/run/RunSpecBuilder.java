package io.jqp.experiments.run;

import io.jqp.api.JqpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a spec from the defaults: {@code RunSpec.builder().model("small-cnn").bits(8)
 * .quantizer("delayed").sparsity(0.5).pruneActivations(true).preset("prune-then-quantize")
 * .rule("conv2", "weight", "fixed", Map.of("bits", 4)).build()}. {@link #set} takes any spec path.
 */
public final class RunSpecBuilder {
  private final Map<String, Object> changes = new LinkedHashMap<>();
  private final List<Object> rules = new ArrayList<>();
  private final Map<String, RunSpec.Strategy> roles = new LinkedHashMap<>();

  RunSpecBuilder() {}

  /** Sets the value at a spec path (e.g. {@code "pruning.window"}). */
  public RunSpecBuilder set(String path, Object value) {
    if (path.equals("rules")) {
      throw new JqpException("rules: add them with rule(...) or pruningRule(...)");
    }
    changes.put(SpecPaths.field(path), value);
    return this;
  }

  public RunSpecBuilder task(String task) {
    return set("data.task", task);
  }

  public RunSpecBuilder data(String path) {
    return set("data.path", path);
  }

  public RunSpecBuilder model(String id) {
    return set("model.id", id);
  }

  public RunSpecBuilder model(String id, Map<String, Object> options) {
    return set("model.id", id).set("model.options", options);
  }

  public RunSpecBuilder epochs(int epochs) {
    return set("optimization.epochs", epochs);
  }

  public RunSpecBuilder seed(long seed) {
    return set("optimization.seed", seed);
  }

  public RunSpecBuilder bits(int bits) {
    return set("quantization.bits", bits);
  }

  public RunSpecBuilder quantizer(String id) {
    return set("quantization.quantizer.id", id);
  }

  public RunSpecBuilder quantizer(String id, Map<String, Object> options) {
    return quantizer(id).set("quantization.quantizer.options", options);
  }

  public RunSpecBuilder sparsity(double sparsity) {
    return set("pruning.sparsity", sparsity);
  }

  public RunSpecBuilder pruner(String id) {
    return set("pruning.pruner.id", id);
  }

  public RunSpecBuilder pruneActivations(boolean on) {
    return set("pruning.activations", on);
  }

  public RunSpecBuilder window(int samples) {
    return set("pruning.window", samples);
  }

  public RunSpecBuilder preset(String preset) {
    return set("schedule.preset", preset);
  }

  public RunSpecBuilder method(String id) {
    return set("method.id", id);
  }

  /**
   * Binds a strategy to a whole role ({@link TrainConfig#ROLES}) by id, options verbatim, in place
   * of what the presets give it.
   */
  public RunSpecBuilder role(String role, String id, Map<String, Object> options) {
    roles.put(role, new RunSpec.Strategy(id, options));
    return this;
  }

  /** A per-layer quantizer rule (the last matching rule wins). */
  public RunSpecBuilder rule(
      String layers, String site, String quantizer, Map<String, Object> options) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("layers", layers);
    r.put("site", site);
    r.put("quantizer", quantizer);
    r.put("quantizerOptions", options);
    rules.add(r);
    return this;
  }

  /** A per-layer pruner rule (the last matching rule wins). */
  public RunSpecBuilder pruningRule(
      String layers, String site, String pruner, Map<String, Object> options) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("layers", layers);
    r.put("site", site);
    r.put("pruner", pruner);
    r.put("prunerOptions", options);
    rules.add(r);
    return this;
  }

  /** The spec, validated like a file (errors name the spec path). */
  public RunSpec build() {
    Map<String, Object> all = new LinkedHashMap<>(changes);
    if (!rules.isEmpty()) {
      all.put("overrides", rules);
    }
    if (!roles.isEmpty()) {
      all.put("roles", roles);
    }
    return RunSpec.of(ConfigIo.copyNamingPaths(TrainConfig.defaults(), all));
  }
}
