package io.jqp.experiments.tasks;

import io.jqp.api.JqpException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The tasks visible to the thread's context class loader (the shipped ones and those of plugin
 * jars), found by {@link ServiceLoader}; ids must be unique.
 */
public final class Tasks {
  private static final Map<ClassLoader, Map<String, Task>> BY_LOADER =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Tasks() {}

  private static Map<String, Task> all0() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return BY_LOADER.computeIfAbsent(
        loader == null ? Tasks.class.getClassLoader() : loader, Tasks::load);
  }

  private static Map<String, Task> load(ClassLoader loader) {
    Map<String, Task> m = new LinkedHashMap<>();
    for (Task t : ServiceLoader.load(Task.class, loader)) {
      Task before = m.putIfAbsent(t.id(), t);
      if (before != null) {
        throw new JqpException(
            "two tasks have the id '"
                + t.id()
                + "': "
                + before.getClass().getName()
                + " and "
                + t.getClass().getName());
      }
    }
    return m;
  }

  public static List<Task> all() {
    return List.copyOf(all0().values());
  }

  public static List<String> ids() {
    return List.copyOf(all0().keySet());
  }

  /** The task with this id, or a one-line error listing the known ones. */
  public static Task byId(String id) {
    Task t = all0().get(id);
    if (t == null) {
      throw new JqpException(
          "task: unknown task '" + id + "'; known: " + String.join(", ", all0().keySet()));
    }
    return t;
  }
}
