package io.jqp.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The one place that calls {@link ServiceLoader}: finds every quantizer, pruner and schedule provider, fails
 * fast on a duplicate id, and resolves ids to strategies, naming the known ids when one is unknown.
 */
public final class Plugins {
  private static final System.Logger LOG = System.getLogger(Plugins.class.getName());

  private final Map<String, QuantizerProvider> quantizers;
  private final Map<String, PrunerProvider> pruners;
  private final Map<String, ScheduleProvider> schedules;

  private Plugins(Map<String, QuantizerProvider> q, Map<String, PrunerProvider> p, Map<String, ScheduleProvider> s) {
    this.quantizers = Collections.unmodifiableMap(q);
    this.pruners = Collections.unmodifiableMap(p);
    this.schedules = Collections.unmodifiableMap(s);
  }

  /** Loads the providers visible to the thread's context class loader. */
  public static Plugins load() {
    return load(Thread.currentThread().getContextClassLoader());
  }

  public static Plugins load(ClassLoader loader) {
    return of(ServiceLoader.load(QuantizerProvider.class, loader).stream().map(ServiceLoader.Provider::get).toList(),
        ServiceLoader.load(PrunerProvider.class, loader).stream().map(ServiceLoader.Provider::get).toList(),
        ServiceLoader.load(ScheduleProvider.class, loader).stream().map(ServiceLoader.Provider::get).toList());
  }

  /** Builds a registry from explicit providers (the same checks as {@link #load()}). */
  public static Plugins of(List<? extends QuantizerProvider> q, List<? extends PrunerProvider> p, List<? extends ScheduleProvider> s) {
    Plugins plugins = new Plugins(index("quantizer", q), index("pruner", p), index("schedule", s));
    LOG.log(System.Logger.Level.DEBUG, "plugins: quantizers {0}, pruners {1}, schedules {2}",
        plugins.quantizers.keySet(), plugins.pruners.keySet(), plugins.schedules.keySet());
    return plugins;
  }

  private static <P extends StrategyProvider<?>> Map<String, P> index(String kind, List<? extends P> providers) {
    Map<String, P> byId = new TreeMap<>();
    for (P p : providers) {
      String id = p.id();
      if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        throw new JqpException(kind + " id '" + id + "' of " + p.getClass().getName() + " is not kebab-case (e.g. 'my-quantizer')");
      }
      P previous = byId.putIfAbsent(id, p);
      if (previous != null) {
        throw new JqpException("duplicate " + kind + " id '" + id + "': " + previous.getClass().getName() + " and "
            + p.getClass().getName() + "; rename one of them");
      }
    }
    return byId;
  }

  public Map<String, QuantizerProvider> quantizers() {
    return quantizers;
  }

  public Map<String, PrunerProvider> pruners() {
    return pruners;
  }

  public Map<String, ScheduleProvider> schedules() {
    return schedules;
  }

  public Quantizer quantizer(String id, Map<String, ?> options) {
    return find("quantizer", quantizers, id).create(new StrategyOptions("quantizer '" + id + "'", cast(options)));
  }

  public Pruner pruner(String id, Map<String, ?> options) {
    return find("pruner", pruners, id).create(new StrategyOptions("pruner '" + id + "'", cast(options)));
  }

  public Schedule schedule(String id, Map<String, ?> options) {
    return find("schedule", schedules, id).create(new StrategyOptions("schedule '" + id + "'", cast(options)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<String, ?> options) {
    return (Map<String, Object>) options;
  }

  private static <P> P find(String kind, Map<String, P> byId, String id) {
    P p = byId.get(id);
    if (p == null) {
      throw new JqpException("unknown " + kind + " '" + id + "'; known: " + String.join(", ", byId.keySet()));
    }
    return p;
  }
}
