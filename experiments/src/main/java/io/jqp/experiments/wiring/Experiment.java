package io.jqp.experiments.wiring;

import com.google.inject.Binding;
import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import com.google.inject.spi.ProviderInstanceBinding;
import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.Recipe;
import io.jqp.experiments.run.RunSpec;
import io.jqp.experiments.run.Runner;
import io.jqp.experiments.run.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Guice-wired run: the arm's config with the recipe wired from the bound strategies. A role
 * swapped by id ({@link SwapModule}) is recorded in the config's {@code roles}, so the run folder's
 * {@code config.yaml} re-runs and resumes the arm exactly; a role bound to an instance in code is
 * recorded as {@link TrainConfig#BOUND_IN_CODE}, which a re-run refuses in one line.
 */
public final class Experiment {
  private final Runner runner;
  private final TrainConfig config;
  private final Recipe recipe;
  private final boolean boundInCode;

  @Inject
  Experiment(Runner runner, TrainConfig config, @Named("wired") Recipe recipe, Injector injector) {
    this.runner = runner;
    this.recipe = recipe;
    Map<String, RunSpec.Strategy> roles = new LinkedHashMap<>(config.roles());
    boolean inCode = false;
    for (String role : TrainConfig.ROLES) {
      Class<?> type = role.endsWith("quantizer") ? Quantizer.class : Pruner.class;
      Binding<?> b = injector.getBinding(Key.get(type, Names.named(role)));
      Object source = b.getSource();
      if (source instanceof com.google.inject.spi.ElementSource es) {
        source = es.getDeclaringSource();
      }
      if (source instanceof java.lang.reflect.Method m
          && m.getDeclaringClass() == StrategiesModule.class) {
        continue; // the config's own strategy for the role
      }
      if (b instanceof ProviderInstanceBinding<?> p
          && p.getUserSuppliedProvider() instanceof SwapModule.ById byId) {
        roles.put(role, new RunSpec.Strategy(byId.id(), Map.copyOf(byId.options())));
      } else {
        roles.put(
            role,
            new RunSpec.Strategy(
                TrainConfig.BOUND_IN_CODE, Map.of("binding", String.valueOf(b.getSource()))));
        inCode = true;
      }
    }
    this.config = config.copy(Map.of("roles", roles));
    this.boundInCode = inCode;
  }

  /** The arm's config, with the roles swapped by id recorded in {@code roles}. */
  public TrainConfig config() {
    return config;
  }

  public Recipe recipe() {
    return recipe;
  }

  /**
   * Trains the arm into {@code out}. Without roles bound in code the run goes through the config
   * alone (its recipe is the wired one), so {@code jqp run --config out/config.yaml} and {@code
   * --resume} rebuild it.
   */
  public Runner.Result run(Path out) throws IOException {
    return boundInCode ? runner.run(config, recipe, out) : runner.run(config, out);
  }
}
