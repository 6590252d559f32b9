package io.jqp.experiments.tasks;

import io.jqp.experiments.providers.Registry;
import java.util.List;

/**
 * The tasks visible to the thread's context class loader (the shipped ones and those of plugin
 * jars), found by {@link java.util.ServiceLoader}; ids must be unique.
 */
public final class Tasks {
  private static final Registry<Task> REGISTRY = new Registry<>(Task.class, "task", Task::id);

  private Tasks() {}

  public static List<Task> all() {
    return List.copyOf(REGISTRY.all().values());
  }

  public static List<String> ids() {
    return List.copyOf(REGISTRY.all().keySet());
  }

  /** The task with this id, or a one-line error listing the known ones. */
  public static Task byId(String id) {
    return REGISTRY.byId("task", id);
  }
}
