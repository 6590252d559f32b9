package io.jqp.experiments.providers;

import io.jqp.api.JqpException;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The providers of one kind (models, losses, optimizers) visible to the thread's context class
 * loader, that is jqp's own and those of plugin jars, found by {@link ServiceLoader}: kebab-case
 * ids, a duplicate fails naming both classes, an unknown id fails naming the known ones.
 *
 * @param <P> the provider type
 */
public final class Registry<P> {
  private final Class<P> type;
  private final String kind;
  private final Function<P, String> id;
  private final Map<ClassLoader, Map<String, P>> byLoader = new ConcurrentHashMap<>();

  public Registry(Class<P> type, String kind, Function<P, String> id) {
    this.type = type;
    this.kind = kind;
    this.id = id;
  }

  /** Every provider, by id. */
  public Map<String, P> all() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return byLoader.computeIfAbsent(
        loader == null ? Registry.class.getClassLoader() : loader, this::load);
  }

  private Map<String, P> load(ClassLoader loader) {
    Map<String, P> m = new TreeMap<>();
    for (P p : ServiceLoader.load(type, loader)) {
      String i = id.apply(p);
      if (!i.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        throw new JqpException(
            kind
                + " id '"
                + i
                + "' of "
                + p.getClass().getName()
                + " is not kebab-case (e.g. 'my-"
                + kind
                + "')");
      }
      P before = m.putIfAbsent(i, p);
      if (before != null) {
        throw new JqpException(
            "duplicate "
                + kind
                + " id '"
                + i
                + "': "
                + before.getClass().getName()
                + " and "
                + p.getClass().getName()
                + "; rename one of them");
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /** The provider of an id, or a one-line error naming the field and the known ids. */
  public P byId(String field, String i) {
    P p = all().get(i);
    if (p == null) {
      throw new JqpException(
          field
              + ": unknown "
              + kind
              + " '"
              + i
              + "'; known: "
              + String.join(", ", all().keySet()));
    }
    return p;
  }
}
