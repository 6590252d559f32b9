package io.jqp.experiments.run;

import io.jqp.api.JqpException;
import io.jqp.api.Plugins;
import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.QuantizerProvider;
import io.jqp.api.Recipe;
import io.jqp.api.SiteRule;
import io.jqp.engine.tf.LearningRate;
import io.jqp.engine.tf.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a run config into what trains: the recipe of strategies at the sites (JQP presets and
 * per-layer rules, or the DJPQ presets), the optimizer, and the checks that need the schedule.
 */
final class RunRecipes {
  private final Plugins plugins;

  RunRecipes(Plugins plugins) {
    this.plugins = plugins;
  }

  /**
   * The recipe of a config: its quantizer on every weight (t_q of weights) and activation (t_q of
   * activations, d* over a window of T samples when delayed) when bits &lt; 32; its pruner on
   * weights and, with {@code pruneActivations}, the windowed pruner on activations, both on the
   * same schedule (Zhu–Gupta with n repetitions from t_p, or the target at once at t_p). First and
   * last layers are never pruned.
   */
  public Recipe recipe(TrainConfig c, TrainConfig.Timing t) {
    if (!c.method().equals("jqp")) {
      return withRoles(djpqRecipe(c, Runner.stepsPerEpoch(c) * c.epochs()), c);
    }
    Quantizer wq = Quantizer.identity();
    Quantizer aq = Quantizer.identity();
    if (c.bits() < 32) {
      QuantizerProvider qp = plugins.quantizers().get(c.quantizer());
      wq =
          plugins.quantizer(
              c.quantizer(),
              declared(
                  qp,
                  Map.<String, Object>of("bits", c.bits(), "delay", t.weightDelay()),
                  c.quantizerOptions()));
      aq =
          plugins.quantizer(
              c.quantizer(),
              declared(
                  qp,
                  Map.<String, Object>of(
                      "bits",
                      c.bits(),
                      "delay",
                      t.activationDelay(),
                      "window",
                      t.activationDelay() > 0
                          ? c.quantizerWindow() > 0 ? c.quantizerWindow() : c.window()
                          : 0),
                  c.quantizerOptions()));
    }
    Map<String, Object> prune = new LinkedHashMap<>();
    prune.put("sparsity", c.sparsity());
    prune.put("start", t.pruneStart());
    prune.put("interval", t.pruneInterval());
    prune.put("repetitions", t.pruneRepetitions());
    Pruner wp =
        c.sparsity() > 0
            ? plugins.pruner(
                c.pruner(), declared(plugins.pruners().get(c.pruner()), prune, c.prunerOptions()))
            : Pruner.none();
    Pruner ap = Pruner.none();
    if (c.pruneActivations()) {
      Map<String, Object> windowed = new LinkedHashMap<>(prune);
      windowed.put("window", c.window());
      ap = plugins.pruner("windowed", windowed);
    }
    Recipe recipe =
        Recipe.fullPrecision()
            .withWeightQuantizer(wq)
            .withActivationQuantizer(aq)
            .withWeightPruner(wp)
            .withActivationPruner(ap);
    for (LayerOverride o : c.overrides()) {
      SiteRule rule = SiteRule.layers(o.layers());
      rule =
          switch (o.site()) {
            case "weight" -> rule.weights();
            case "activation" -> rule.activations();
            default -> rule;
          };
      if (o.quantizer() != null) {
        rule =
            rule.quantizer(
                plugins.quantizer(
                    o.quantizer(), o.quantizerOptions() == null ? Map.of() : o.quantizerOptions()));
      }
      if (o.pruner() != null) {
        rule =
            rule.pruner(
                plugins.pruner(
                    o.pruner(), o.prunerOptions() == null ? Map.of() : o.prunerOptions()));
      }
      recipe = recipe.withRule(rule);
    }
    return withRoles(recipe, c);
  }

  /** The config's {@code roles}: each replaces its role's strategy, options verbatim. */
  private Recipe withRoles(Recipe recipe, TrainConfig c) {
    Recipe r = recipe;
    for (Map.Entry<String, RunSpec.Strategy> e : c.roles().entrySet()) {
      String role = e.getKey();
      RunSpec.Strategy s = e.getValue();
      if (s.id().equals(TrainConfig.BOUND_IN_CODE)) {
        throw new JqpException(
            "roles."
                + role
                + ": was bound in code ("
                + s.options().getOrDefault("binding", "an instance")
                + ") when this run was made, which a config cannot rebuild; bind it by id"
                + " (SwapModule) or drop roles."
                + role);
      }
      r =
          switch (role) {
            case "weight-quantizer" ->
                r.withWeightQuantizer(plugins.quantizer(s.id(), s.options()));
            case "activation-quantizer" ->
                r.withActivationQuantizer(plugins.quantizer(s.id(), s.options()));
            case "weight-pruner" -> r.withWeightPruner(plugins.pruner(s.id(), s.options()));
            case "activation-pruner" -> r.withActivationPruner(plugins.pruner(s.id(), s.options()));
            default -> throw new JqpException("roles: unknown role '" + role + "'");
          };
    }
    return r;
  }

  /**
   * Resolves every strategy the config names with its options, whether or not its stage is on (bits
   * 32, sparsity 0), and checks that every rule's layer glob matches a layer of the model, so a
   * misspelt id, option or glob fails in one line before any data is read.
   */
  void validate(TrainConfig c, java.util.List<String> layers) {
    QuantizerProvider qp = plugins.quantizers().get(c.quantizer());
    plugins.quantizer(
        c.quantizer(),
        declared(
            qp,
            Map.<String, Object>of("bits", c.bits() < 32 ? c.bits() : 8, "delay", 0L, "window", 0),
            c.quantizerOptions()));
    Map<String, Object> prune = new LinkedHashMap<>();
    prune.put("sparsity", c.sparsity() > 0 ? c.sparsity() : 0.5);
    prune.put("start", 0L);
    prune.put("interval", 1L);
    prune.put("repetitions", 0);
    plugins.pruner(
        c.pruner(), declared(plugins.pruners().get(c.pruner()), prune, c.prunerOptions()));
    for (int i = 0; i < c.overrides().size(); i++) {
      LayerOverride o = c.overrides().get(i);
      SiteRule rule = SiteRule.layers(o.layers());
      if (layers.stream().noneMatch(rule::matchesLayer)) {
        throw new JqpException(
            "rules["
                + i
                + "].layers: '"
                + o.layers()
                + "' matches no layer of "
                + c.model()
                + " ("
                + String.join(", ", layers)
                + "); fix the pattern");
      }
      if (o.quantizer() != null) {
        plugins.quantizer(
            o.quantizer(), o.quantizerOptions() == null ? Map.of() : o.quantizerOptions());
      }
      if (o.pruner() != null) {
        plugins.pruner(o.pruner(), o.prunerOptions() == null ? Map.of() : o.prunerOptions());
      }
    }
    // a role bound in code is the caller's recipe, not the config's: only a re-run refuses it
    Map<String, RunSpec.Strategy> byId = new LinkedHashMap<>(c.roles());
    byId.values().removeIf(s -> s.id().equals(TrainConfig.BOUND_IN_CODE));
    withRoles(Recipe.fullPrecision(), c.copy(Map.of("roles", byId)));
  }

  /**
   * The run-level knobs (bits, delay, window; sparsity and schedule) a provider declares among its
   * options, then the spec's own options of the strategy (which win): a provider receives only
   * those, so one without {@code delay} is not handed it. An unknown id passes through for {@link
   * Plugins} to report.
   */
  static Map<String, Object> declared(
      io.jqp.api.@org.jspecify.annotations.Nullable StrategyProvider<?> provider,
      Map<String, Object> knobs,
      Map<String, Object> options) {
    Map<String, Object> m = new LinkedHashMap<>();
    knobs.forEach(
        (k, v) -> {
          if (provider == null || provider.options().containsKey(k)) {
            m.put(k, v);
          }
        });
    m.putAll(options);
    return m;
  }

  /**
   * DJPQ (SPEC §10): the learned-bits quantizer on every weight and activation (starting at {@code
   * bits}, 8 for 32), VIB gates on every activation site (first layer included: gates prune
   * channels, which the first layer's output has like any other) and the BOPs cost. {@code
   * two-stage}: gates alone (with the BOPs cost at 32 bits) for the first half of training, then
   * the gates freeze and the quantizer starts.
   */
  Recipe djpqRecipe(TrainConfig c, long totalSteps) {
    int initBits = c.bits() < 32 ? Math.min(16, c.bits()) : 8;
    boolean twoStage = c.method().equals("two-stage");
    long half = totalSteps / 2;
    // the presets 'djpq' and 'two-stage' expand to plugins: quantizer 'djpq', pruner 'vib-gate',
    // cost term 'bops'
    Quantizer q =
        plugins.quantizer(
            "djpq",
            Map.<String, Object>of(
                "bits",
                initBits,
                "min-bits",
                2,
                "max-bits",
                16,
                "power-of-two",
                c.powerOfTwo(),
                "delay",
                twoStage ? half : 0));
    Pruner gate =
        plugins.pruner(
            "vib-gate",
            Map.<String, Object>of(
                "gamma",
                c.gamma(),
                "threshold",
                c.gateThreshold(),
                "mu-init",
                1.0,
                "log-sigma2-init",
                c.gateInit(),
                "freeze-at",
                twoStage ? half : -1));
    return Recipe.fullPrecision()
        .withWeightQuantizer(q)
        .withActivationQuantizer(q)
        .withActivationPruner(gate)
        .withPruneFirstAndLast(true)
        .withCost(
            plugins.costTerm("bops", Map.<String, Object>of("beta", c.beta(), "input-bits", 8)));
  }

  /**
   * Checks that need the timing: a delayed activation quantizer must have seen T samples by its
   * t_q.
   */
  static void checkTiming(TrainConfig c, TrainConfig.Timing t) {
    int window = c.quantizerWindow() > 0 ? c.quantizerWindow() : c.window();
    long needed = (window + c.batchSize() - 1) / c.batchSize();
    if (c.bits() < 32 && t.activationDelay() > 0 && t.activationDelay() < needed) {
      throw new JqpException(
          (c.quantizerWindow() > 0 ? "quantizerWindow: " : "window: ")
              + window
              + " samples need activation t_q >= "
              + needed
              + " steps at batch "
              + c.batchSize()
              + ", but t_q is "
              + t.activationDelay()
              + "; lower window or raise activationDelay");
    }
  }

  static Optimizer optimizer(TrainConfig c, long totalSteps) {
    LearningRate lr =
        switch (c.lrSchedule()) {
          case "step" -> LearningRate.step(c.learningRate(), Math.max(1, totalSteps / 4), 0.5);
          case "cosine" -> LearningRate.cosine(c.learningRate(), totalSteps);
          default -> LearningRate.constant(c.learningRate());
        };
    return io.jqp.experiments.providers.Training.optimizer(
        c.optimizer(),
        io.jqp.experiments.providers.Training.knobs(c.momentum(), c.optimizerOptions()),
        lr,
        c.weightDecay(),
        c.strategyLrScale());
  }
}
