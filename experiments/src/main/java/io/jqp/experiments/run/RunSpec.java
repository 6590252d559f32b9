package io.jqp.experiments.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jqp.api.JqpException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The run spec: what {@code config.yaml} holds, in typed sections, with every strategy as {@code
 * {id, options}} and per-layer rules in the same form. A run folder's {@code config.yaml} is this
 * spec fully resolved (every schedule step filled in), so {@code jqp run --config RUN/config.yaml}
 * re-runs it and {@code run --resume} matches checkpoints by a hash of it. A file may give any part
 * of it; the rest takes the defaults of {@code jqp train}. Errors name the path ({@code
 * pruning.window: must be in [1, 65536] samples, got 0}).
 *
 * <pre>
 * data:         {task: fashion-mnist, path: /usr/share/datasets/fashion-mnist, trainLimit: 0, testLimit: 0}
 * model:        {id: small-cnn, options: {width: 1}}
 * optimization: {optimizer: {id: adam, options: {}}, loss: {id: "", options: {}}, epochs: 4, batchSize: 128,
 *                learningRate: 0.001, lrSchedule: cosine, weightDecay: 0, seed: 1, threads: 2, strategyLrScale: 1}
 * quantization: {bits: 8, quantizer: {id: fixed, options: {}}, window: 0}
 * pruning:      {sparsity: 0.5, pruner: {id: magnitude, options: {}}, activations: true, window: 2048}
 * schedule:     {preset: prune-then-quantize, weightDelay: -1, activationDelay: -1, pruneStart: -1,
 *                pruneInterval: -1, pruneRepetitions: -1}
 * method:       {id: jqp, beta: 0.1, gamma: 1e-5, powerOfTwo: false, gateThreshold: 0, gateInit: -9}
 * rules:        [{layers: "conv2", site: weight, quantizer: {id: fixed, options: {bits: 4}}}]
 * checkpoints:  {every: 0, keep: 2}
 * roles:        {activation-quantizer: {id: saturated, options: {bits: 8, delay: 824}}}   # optional
 * output:       {folder: runs/a}                   # optional, in a file given to jqp run
 * </pre>
 *
 * <p>{@code output} says where {@code jqp run --config FILE} writes when {@code --out} is not given
 * ({@code --out} wins); it is not part of the run's identity, so a run folder's {@code config.yaml}
 * does not hold it ({@link ConfigIo#outputFolder}).
 *
 * <p>{@code roles} binds a strategy to a whole role by id, with its options verbatim (no run-level
 * knob is added), in place of what the presets give it; a Guice arm that swaps a role by id ({@code
 * SwapModule}) records its swap there, so its folder re-runs and resumes like any other.
 *
 * <p>{@link TrainConfig} is the runner's flat view of a spec ({@link #toConfig}, {@link #of}).
 */
public record RunSpec(
    Data data,
    Model model,
    Optimization optimization,
    Quantization quantization,
    Pruning pruning,
    Schedule schedule,
    Method method,
    List<Rule> rules,
    Checkpoints checkpoints,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Strategy> roles) {

  /** The task and its data. */
  public record Data(String task, String path, int trainLimit, int testLimit) {}

  /** The model plugin and its options. */
  public record Model(String id, Map<String, Object> options) {}

  /** A plugin by id with its options. */
  public record Strategy(String id, Map<String, Object> options) {
    public Strategy {
      options = options == null ? Map.of() : Map.copyOf(options);
    }
  }

  /** Optimizer, loss (id "" = the task's own) and the training loop. */
  public record Optimization(
      Strategy optimizer,
      Strategy loss,
      int epochs,
      int batchSize,
      double learningRate,
      String lrSchedule,
      double weightDecay,
      long seed,
      int threads,
      double strategyLrScale) {}

  /** Bits of weights and activations (32 = none), the quantizer, its d* window (0 = pruning's). */
  public record Quantization(int bits, Strategy quantizer, int window) {}

  /** Weight sparsity, the pruner, whether activations are pruned too, and the window T. */
  public record Pruning(double sparsity, Strategy pruner, boolean activations, int window) {}

  /** The order preset and the steps at which stages switch on (-1 = from the preset). */
  public record Schedule(
      String preset,
      long weightDelay,
      long activationDelay,
      long pruneStart,
      long pruneInterval,
      int pruneRepetitions) {}

  /** {@code jqp}, or the presets {@code djpq} and {@code two-stage} with their knobs. */
  public record Method(
      String id,
      double beta,
      double gamma,
      boolean powerOfTwo,
      double gateThreshold,
      double gateInit) {}

  /** A per-layer rule: sites of matching layers use these strategies (the last match wins). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Rule(
      String layers, String site, @Nullable Strategy quantizer, @Nullable Strategy pruner) {}

  /** Periodic checkpoints: every N steps (0 = only at the end), keeping the newest {@code keep}. */
  public record Checkpoints(int every, int keep) {}

  /** Spec paths of the flat config fields (section.key, or section.strategy.id/options). */
  static final Map<String, String> PATHS = paths();

  private static Map<String, String> paths() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("task", "data.task");
    m.put("data", "data.path");
    m.put("trainLimit", "data.trainLimit");
    m.put("testLimit", "data.testLimit");
    m.put("model", "model.id");
    m.put("modelOptions", "model.options");
    m.put("optimizer", "optimization.optimizer.id");
    m.put("optimizerOptions", "optimization.optimizer.options");
    m.put("loss", "optimization.loss.id");
    m.put("epochs", "optimization.epochs");
    m.put("batchSize", "optimization.batchSize");
    m.put("learningRate", "optimization.learningRate");
    m.put("lrSchedule", "optimization.lrSchedule");
    m.put("weightDecay", "optimization.weightDecay");
    m.put("seed", "optimization.seed");
    m.put("threads", "optimization.threads");
    m.put("strategyLrScale", "optimization.strategyLrScale");
    m.put("bits", "quantization.bits");
    m.put("quantizer", "quantization.quantizer.id");
    m.put("quantizerOptions", "quantization.quantizer.options");
    m.put("quantizerWindow", "quantization.window");
    m.put("sparsity", "pruning.sparsity");
    m.put("pruner", "pruning.pruner.id");
    m.put("prunerOptions", "pruning.pruner.options");
    m.put("pruneActivations", "pruning.activations");
    m.put("window", "pruning.window");
    m.put("preset", "schedule.preset");
    m.put("weightDelay", "schedule.weightDelay");
    m.put("activationDelay", "schedule.activationDelay");
    m.put("pruneStart", "schedule.pruneStart");
    m.put("pruneInterval", "schedule.pruneInterval");
    m.put("pruneRepetitions", "schedule.pruneRepetitions");
    m.put("method", "method.id");
    m.put("beta", "method.beta");
    m.put("gamma", "method.gamma");
    m.put("powerOfTwo", "method.powerOfTwo");
    m.put("gateThreshold", "method.gateThreshold");
    m.put("gateInit", "method.gateInit");
    m.put("overrides", "rules");
    m.put("checkpointEvery", "checkpoints.every");
    m.put("keepCheckpoints", "checkpoints.keep");
    m.put("roles", "roles");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The spec path of a flat field, or the field itself where it has none. */
  public static String path(String field) {
    return PATHS.getOrDefault(field, field);
  }

  /**
   * The flat field of a spec path ({@code pruning.window} → {@code window}); other keys as given.
   */
  public static String field(String path) {
    for (Map.Entry<String, String> e : PATHS.entrySet()) {
      if (e.getValue().equals(path)) {
        return e.getKey();
      }
    }
    if (path.contains(".")) {
      throw new JqpException(
          "unknown spec path '" + path + "'; known: " + String.join(", ", PATHS.values()));
    }
    return path;
  }

  /** Whether a parsed YAML document is a spec (sections) rather than a legacy flat config. */
  static boolean isSpec(Map<String, Object> doc) {
    // 'data' and 'model' are also flat keys (a path, an id): there a section is a map
    for (Map.Entry<String, Object> e : doc.entrySet()) {
      String key = e.getKey();
      boolean section = PATHS.values().stream().anyMatch(p -> p.startsWith(key + "."));
      if (key.equals("rules")
          || key.equals("roles")
          || section && (e.getValue() instanceof Map<?, ?> || !PATHS.containsKey(key))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The flat changes a spec document makes: every leaf path mapped to its field; an unknown key
   * fails naming its path and the known keys there.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> flatten(Map<String, Object> doc) {
    Map<String, String> byPath = new LinkedHashMap<>();
    PATHS.forEach((field, path) -> byPath.put(path, field));
    Map<String, Object> flat = new LinkedHashMap<>();
    walk("", doc, byPath, flat);
    return flat;
  }

  @SuppressWarnings("unchecked")
  private static void walk(
      String prefix,
      Map<String, Object> node,
      Map<String, String> byPath,
      Map<String, Object> out) {
    for (Map.Entry<String, Object> e : node.entrySet()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      String field = byPath.get(path);
      if (field != null) {
        Object v = e.getValue();
        out.put(field, field.equals("overrides") ? rulesToOverrides(v) : v);
        continue;
      }
      if (e.getKey().equals("options") && e.getValue() instanceof Map<?, ?> m && m.isEmpty()) {
        continue; // an empty options map of a strategy that takes none from the spec
      }
      boolean inner = byPath.keySet().stream().anyMatch(p -> p.startsWith(path + "."));
      if (inner && e.getValue() instanceof Map<?, ?> m) {
        walk(path, (Map<String, Object>) m, byPath, out);
      } else if (inner && e.getValue() == null) {
        throw new JqpException(path + ": is empty; give its keys or drop it");
      } else {
        TreeSet<String> known = new TreeSet<>();
        String here = prefix.isEmpty() ? "" : prefix + ".";
        for (String p : byPath.keySet()) {
          if (p.startsWith(here)) {
            known.add(p.substring(here.length()).split("\\.")[0]);
          }
        }
        throw new JqpException(
            "unknown key '"
                + path
                + "'; known"
                + (prefix.isEmpty() ? "" : " in " + prefix)
                + ": "
                + String.join(", ", known));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Object rulesToOverrides(@Nullable Object rules) {
    if (!(rules instanceof List<?> list)) {
      return rules == null ? List.of() : rules;
    }
    List<Object> out = new ArrayList<>();
    for (Object r : list) {
      if (!(r instanceof Map<?, ?> m)) {
        throw new JqpException("rules: each rule is {layers, site, quantizer, pruner}, got " + r);
      }
      Map<String, Object> o = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        switch (e.getKey()) {
          case "layers", "site" -> o.put(e.getKey(), e.getValue());
          case "quantizer", "pruner" -> {
            if (e.getValue() instanceof Map<?, ?> s) {
              o.put(e.getKey(), s.get("id"));
              Object opts = s.get("options");
              o.put(e.getKey() + "Options", opts == null ? Map.of() : opts);
              for (Object k : s.keySet()) {
                if (!k.equals("id") && !k.equals("options")) {
                  throw new JqpException(
                      "rules." + e.getKey() + ": unknown key '" + k + "'; known: id, options");
                }
              }
            } else {
              o.put(e.getKey(), e.getValue());
            }
          }
          default ->
              throw new JqpException(
                  "unknown key 'rules."
                      + e.getKey()
                      + "'; known in rules: layers, pruner, quantizer, site");
        }
      }
      out.add(o);
    }
    return out;
  }

  private static Map<String, Object> orEmpty(@Nullable Map<String, Object> m) {
    return m == null ? Map.of() : m;
  }

  /** The spec of a resolved config. */
  public static RunSpec of(TrainConfig c) {
    List<Rule> rules = new ArrayList<>();
    for (LayerOverride o : c.overrides()) {
      rules.add(
          new Rule(
              o.layers(),
              o.site(),
              o.quantizer() == null
                  ? null
                  : new Strategy(o.quantizer(), orEmpty(o.quantizerOptions())),
              o.pruner() == null ? null : new Strategy(o.pruner(), orEmpty(o.prunerOptions()))));
    }
    // momentum, a flat knob of the command line, is an option of the optimizers that declare it
    Map<String, Object> optimizerOptions = new LinkedHashMap<>();
    if (io.jqp.experiments.providers.Training.OPTIMIZERS
        .byId("optimizer", c.optimizer())
        .options()
        .containsKey("momentum")) {
      optimizerOptions.put("momentum", c.momentum());
    }
    optimizerOptions.putAll(c.optimizerOptions());
    return new RunSpec(
        new Data(c.task(), c.data(), c.trainLimit(), c.testLimit()),
        new Model(c.model(), c.modelOptions()),
        new Optimization(
            new Strategy(c.optimizer(), optimizerOptions),
            new Strategy(c.loss(), Map.of()),
            c.epochs(),
            c.batchSize(),
            c.learningRate(),
            c.lrSchedule(),
            c.weightDecay(),
            c.seed(),
            c.threads(),
            c.strategyLrScale()),
        new Quantization(
            c.bits(), new Strategy(c.quantizer(), c.quantizerOptions()), c.quantizerWindow()),
        new Pruning(
            c.sparsity(),
            new Strategy(c.pruner(), c.prunerOptions()),
            c.pruneActivations(),
            c.window()),
        new Schedule(
            c.preset(),
            c.weightDelay(),
            c.activationDelay(),
            c.pruneStart(),
            c.pruneInterval(),
            c.pruneRepetitions()),
        new Method(
            c.method(), c.beta(), c.gamma(), c.powerOfTwo(), c.gateThreshold(), c.gateInit()),
        rules,
        new Checkpoints(c.checkpointEvery(), c.keepCheckpoints()),
        c.roles());
  }

  /** The runner's flat view, validated; errors name the spec path. */
  @SuppressWarnings("unchecked")
  public TrainConfig toConfig() {
    Map<String, Object> doc = ConfigIo.YAML.convertValue(this, Map.class);
    return ConfigIo.fromSpec(doc);
  }

  /** A builder over the defaults of {@code jqp train}; each setter names a spec path. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a spec from the defaults: {@code RunSpec.builder().model("small-cnn").bits(8)
   * .quantizer("delayed").sparsity(0.5).pruneActivations(true).preset("prune-then-quantize")
   * .rule("conv2", "weight", "fixed", Map.of("bits", 4)).build()}. {@link #set} takes any spec
   * path.
   */
  public static final class Builder {
    private final Map<String, Object> changes = new LinkedHashMap<>();
    private final List<Object> rules = new ArrayList<>();
    private final Map<String, Strategy> roles = new LinkedHashMap<>();

    private Builder() {}

    /** Sets the value at a spec path (e.g. {@code "pruning.window"}). */
    public Builder set(String path, Object value) {
      if (path.equals("rules")) {
        throw new JqpException("rules: add them with rule(...) or pruningRule(...)");
      }
      changes.put(field(path), value);
      return this;
    }

    public Builder task(String task) {
      return set("data.task", task);
    }

    public Builder data(String path) {
      return set("data.path", path);
    }

    public Builder model(String id) {
      return set("model.id", id);
    }

    public Builder model(String id, Map<String, Object> options) {
      return set("model.id", id).set("model.options", options);
    }

    public Builder epochs(int epochs) {
      return set("optimization.epochs", epochs);
    }

    public Builder seed(long seed) {
      return set("optimization.seed", seed);
    }

    public Builder bits(int bits) {
      return set("quantization.bits", bits);
    }

    public Builder quantizer(String id) {
      return set("quantization.quantizer.id", id);
    }

    public Builder quantizer(String id, Map<String, Object> options) {
      return quantizer(id).set("quantization.quantizer.options", options);
    }

    public Builder sparsity(double sparsity) {
      return set("pruning.sparsity", sparsity);
    }

    public Builder pruner(String id) {
      return set("pruning.pruner.id", id);
    }

    public Builder pruneActivations(boolean on) {
      return set("pruning.activations", on);
    }

    public Builder window(int samples) {
      return set("pruning.window", samples);
    }

    public Builder preset(String preset) {
      return set("schedule.preset", preset);
    }

    public Builder method(String id) {
      return set("method.id", id);
    }

    /**
     * Binds a strategy to a whole role ({@link TrainConfig#ROLES}) by id, options verbatim, in
     * place of what the presets give it.
     */
    public Builder role(String role, String id, Map<String, Object> options) {
      roles.put(role, new Strategy(id, options));
      return this;
    }

    /** A per-layer quantizer rule (the last matching rule wins). */
    public Builder rule(String layers, String site, String quantizer, Map<String, Object> options) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("layers", layers);
      r.put("site", site);
      r.put("quantizer", quantizer);
      r.put("quantizerOptions", options);
      rules.add(r);
      return this;
    }

    /** A per-layer pruner rule (the last matching rule wins). */
    public Builder pruningRule(
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
}
