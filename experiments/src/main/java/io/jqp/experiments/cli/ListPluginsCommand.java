package io.jqp.experiments.cli;

import io.jqp.api.Plugins;
import io.jqp.api.StrategyProvider;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code jqp list-plugins}: every strategy found by ServiceLoader, with its options and defaults.
 */
@Command(
    name = "list-plugins",
    mixinStandardHelpOptions = true,
    description =
        "List the plugins (quantizers, pruners, schedules, models, losses, optimizers) and the tasks.")
final class ListPluginsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Plugins p = Plugins.load();
    print("quantizers", p.quantizers());
    print("pruners", p.pruners());
    print("schedules", p.schedules());
    print("cost terms", p.costTerms());
    System.out.println("models:");
    for (io.jqp.engine.tf.ModelProvider m : io.jqp.experiments.models.Models.all().values()) {
      System.out.println("  " + m.id() + " — " + m.description());
      m.options().forEach((k, v) -> System.out.println("      " + k + ": " + v));
    }
    System.out.println("losses:");
    for (io.jqp.engine.tf.LossProvider l :
        io.jqp.experiments.providers.Training.LOSSES.all().values()) {
      System.out.println("  " + l.id() + " — " + l.description());
      l.options().forEach((k, v) -> System.out.println("      " + k + ": " + v));
    }
    System.out.println("optimizers:");
    for (io.jqp.engine.tf.OptimizerProvider o :
        io.jqp.experiments.providers.Training.OPTIMIZERS.all().values()) {
      System.out.println("  " + o.id() + " — " + o.description());
      o.options().forEach((k, v) -> System.out.println("      " + k + ": " + v));
    }
    System.out.println("tasks:");
    for (io.jqp.experiments.tasks.Task t : io.jqp.experiments.tasks.Tasks.all()) {
      System.out.println("  " + t.id() + " — " + t.description());
      System.out.println(
          "      models: " + String.join(", ", t.models()) + " (default " + t.defaultModel() + ")");
      System.out.println("      loss: " + t.defaultLoss());
      System.out.println("      data: " + t.defaultData());
    }
    return 0;
  }

  private static void print(String title, Map<String, ? extends StrategyProvider<?>> providers) {
    System.out.println(title + ":");
    for (StrategyProvider<?> sp : providers.values()) {
      System.out.println("  " + sp.id() + " — " + sp.description());
      sp.options().forEach((k, v) -> System.out.println("      " + k + ": " + v));
    }
  }
}
