package io.jqp.experiments.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.name.Named;
import io.jqp.api.Plugins;
import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.Recipe;
import io.jqp.experiments.run.Runner;
import io.jqp.experiments.run.TrainConfig;

/**
 * Binds the plugins found by ServiceLoader, the four strategies of the bound {@link TrainConfig} by
 * role (resolved by id through {@link Plugins}) and the {@link Recipe} made of them.
 */
public final class StrategiesModule extends AbstractModule {

  @Provides
  @Singleton
  Plugins plugins() {
    return Plugins.load();
  }

  @Provides
  @Singleton
  Runner runner(Plugins plugins) {
    return new Runner(plugins);
  }

  @Provides
  @Singleton
  Recipe configRecipe(Runner runner, TrainConfig config) {
    return runner.recipe(config);
  }

  @Provides
  @Named(Roles.WEIGHT_QUANTIZER)
  Quantizer weightQuantizer(Recipe configRecipe) {
    return configRecipe.weightQuantizer();
  }

  @Provides
  @Named(Roles.WEIGHT_PRUNER)
  Pruner weightPruner(Recipe configRecipe) {
    return configRecipe.weightPruner();
  }

  @Provides
  @Named(Roles.ACTIVATION_QUANTIZER)
  Quantizer activationQuantizer(Recipe configRecipe) {
    return configRecipe.activationQuantizer();
  }

  @Provides
  @Named(Roles.ACTIVATION_PRUNER)
  Pruner activationPruner(Recipe configRecipe) {
    return configRecipe.activationPruner();
  }

  @Provides
  @Named("wired")
  Recipe wiredRecipe(
      Recipe configRecipe,
      @Named(Roles.WEIGHT_QUANTIZER) Quantizer wq,
      @Named(Roles.WEIGHT_PRUNER) Pruner wp,
      @Named(Roles.ACTIVATION_QUANTIZER) Quantizer aq,
      @Named(Roles.ACTIVATION_PRUNER) Pruner ap) {
    // the config's recipe with the four roles as bound: its per-layer rules, cost terms (DJPQ's
    // BOPs) and
    // first/last-layer rule stay
    return configRecipe
        .withWeightQuantizer(wq)
        .withWeightPruner(wp)
        .withActivationQuantizer(aq)
        .withActivationPruner(ap);
  }
}
