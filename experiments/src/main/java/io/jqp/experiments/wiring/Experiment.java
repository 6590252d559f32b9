package io.jqp.experiments.wiring;

import com.google.inject.Inject;
import com.google.inject.name.Named;
import io.jqp.api.Recipe;
import io.jqp.experiments.run.Runner;
import io.jqp.experiments.run.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;

/** A Guice-wired run: the arm's config with the recipe wired from the bound strategies. */
public final class Experiment {
  private final Runner runner;
  private final TrainConfig config;
  private final Recipe recipe;

  @Inject
  Experiment(Runner runner, TrainConfig config, @Named("wired") Recipe recipe) {
    this.runner = runner;
    this.config = config;
    this.recipe = recipe;
  }

  public TrainConfig config() {
    return config;
  }

  public Recipe recipe() {
    return recipe;
  }

  public Runner.Result run(Path out) throws IOException {
    return runner.run(config, recipe, out);
  }
}
