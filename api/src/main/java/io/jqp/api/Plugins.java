package io.jqp.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The one place that calls {@link ServiceLoader}: finds every quantizer, pruner and schedule
 * provider, fails fast on a duplicate id, and resolves ids to strategies, naming the known ids when
 * one is unknown.
 */
public final class Plugins {
  private static final System.Logger LOG = System.getLogger(Plugins.class.getName());

  private final Map<String, QuantizerProvider> quantizers;
  private final Map<String, PrunerProvider> pruners;
  private final Map<String, ScheduleProvider> schedules;
  private final Map<String, CostTermProvider> costs;

  private Plugins(
      Map<String, QuantizerProvider> q,
      Map<String, PrunerProvider> p,
      Map<String, ScheduleProvider> s,
      Map<String, CostTermProvider> c) {
    this.quantizers = Collections.unmodifiableMap(q);
    this.pruners = Collections.unmodifiableMap(p);
    this.schedules = Collections.unmodifiableMap(s);
    this.costs = Collections.unmodifiableMap(c);
  }

  /** Loads the providers visible to the thread's context class loader. */
  public static Plugins load() {
    return load(Thread.currentThread().getContextClassLoader());
  }

  public static Plugins load(ClassLoader loader) {
    return of(
        ServiceLoader.load(QuantizerProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList(),
        ServiceLoader.load(PrunerProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList(),
        ServiceLoader.load(ScheduleProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList(),
        ServiceLoader.load(CostTermProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  /** Builds a registry from explicit providers (the same checks as {@link #load()}). */
  public static Plugins of(
      List<? extends QuantizerProvider> q,
      List<? extends PrunerProvider> p,
      List<? extends ScheduleProvider> s) {
    return of(q, p, s, List.of());
  }

  /** Builds a registry from explicit providers, cost terms included. */
  public static Plugins of(
      List<? extends QuantizerProvider> q,
      List<? extends PrunerProvider> p,
      List<? extends ScheduleProvider> s,
      List<? extends CostTermProvider> c) {
    Plugins plugins =
        new Plugins(
            index("quantizer", q), index("pruner", p), index("schedule", s), index("cost term", c));
    LOG.log(
        System.Logger.Level.DEBUG,
        "plugins: quantizers {0}, pruners {1}, schedules {2}",
        plugins.quantizers.keySet(),
        plugins.pruners.keySet(),
        plugins.schedules.keySet());
    return plugins;
  }

  private static <P extends StrategyProvider<?>> Map<String, P> index(
      String kind, List<? extends P> providers) {
    Map<String, P> byId = new TreeMap<>();
    for (P p : providers) {
      String id = p.id();
      if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
        throw new JqpException(
            kind
                + " id '"
                + id
                + "' of "
                + p.getClass().getName()
                + " is not kebab-case (e.g. 'my-quantizer')");
      }
      P previous = byId.putIfAbsent(id, p);
      if (previous != null) {
        throw new JqpException(
            "duplicate "
                + kind
                + " id '"
                + id
                + "': "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName()
                + "; rename one of them");
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

  /**
   * The quantizer of a provider id with its options. One the provider wrote as a lambda (whose own
   * {@code toString()} differs in every JVM) is named {@code id{options}}, as in the spec.
   */
  public Map<String, CostTermProvider> costTerms() {
    return costs;
  }

  /** The network-level loss term of a provider id with its options (e.g. {@code bops}). */
  public CostTerm costTerm(String id, Map<String, ?> options) {
    return find("cost term", costs, id)
        .create(new StrategyOptions("cost term '" + id + "'", cast(options)));
  }

  public Quantizer quantizer(String id, Map<String, ?> options) {
    Quantizer q =
        find("quantizer", quantizers, id)
            .create(new StrategyOptions("quantizer '" + id + "'", cast(options)));
    return anonymous(q) ? Quantizer.named(specName(id, options), q) : q;
  }

  /** The pruner of a provider id with its options; lambdas are named as in {@link #quantizer}. */
  public Pruner pruner(String id, Map<String, ?> options) {
    Pruner p =
        find("pruner", pruners, id)
            .create(new StrategyOptions("pruner '" + id + "'", cast(options)));
    return anonymous(p) ? Pruner.named(specName(id, options), p) : p;
  }

  /**
   * Whether a strategy prints as the JVM's default text (a lambda, an anonymous class, no
   * toString).
   */
  static boolean anonymous(Object strategy) {
    Class<?> c = strategy.getClass();
    if (c.isSynthetic() || c.isHidden()) {
      return true;
    }
    try {
      return c.getMethod("toString").getDeclaringClass() == Object.class;
    } catch (NoSuchMethodException e) {
      return true;
    }
  }

  /** {@code id} or {@code id{k=v, ...}} with the options in key order. */
  static String specName(String id, Map<String, ?> options) {
    return options.isEmpty() ? id : id + new TreeMap<>(options);
  }

  public Schedule schedule(String id, Map<String, ?> options) {
    return find("schedule", schedules, id)
        .create(new StrategyOptions("schedule '" + id + "'", cast(options)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<String, ?> options) {
    return (Map<String, Object>) options;
  }

  private static <P> P find(String kind, Map<String, P> byId, String id) {
    P p = byId.get(id);
    if (p == null) {
      throw new JqpException(
          "unknown " + kind + " '" + id + "'; known: " + String.join(", ", byId.keySet()));
    }
    return p;
  }
}
