package io.jqp.experiments.tasks;

import io.jqp.api.JqpException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** The tasks on the class path, found by {@link ServiceLoader}; ids must be unique. */
public final class Tasks {
  private static final Map<String, Task> ALL = load();

  private Tasks() {}

  private static Map<String, Task> load() {
    Map<String, Task> m = new LinkedHashMap<>();
    for (Task t : ServiceLoader.load(Task.class, Tasks.class.getClassLoader())) {
      Task before = m.putIfAbsent(t.id(), t);
      if (before != null) {
        throw new JqpException("two tasks have the id '" + t.id() + "': " + before.getClass().getName() + " and " + t.getClass().getName());
      }
    }
    return m;
  }

  public static List<Task> all() {
    return List.copyOf(ALL.values());
  }

  public static List<String> ids() {
    return List.copyOf(ALL.keySet());
  }

  /** The task with this id, or a one-line error listing the known ones. */
  public static Task byId(String id) {
    Task t = ALL.get(id);
    if (t == null) {
      throw new JqpException("task: unknown task '" + id + "'; known: " + String.join(", ", ALL.keySet()));
    }
    return t;
  }
}
