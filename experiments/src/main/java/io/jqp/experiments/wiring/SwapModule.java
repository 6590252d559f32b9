package io.jqp.experiments.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Inject;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.name.Names;
import io.jqp.api.Plugins;
import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import java.util.Map;

/**
 * Rebinds one role to the plugin with the given id and options; use it with {@code
 * Modules.override(arm, new
 * StrategiesModule()).with(SwapModule.quantizer(Roles.ACTIVATION_QUANTIZER, "saturated", opts))}.
 */
public final class SwapModule extends AbstractModule {
  private final String role;
  private final boolean quantizer;
  private final String id;
  private final Map<String, ?> options;

  private SwapModule(String role, boolean quantizer, String id, Map<String, ?> options) {
    this.role = role;
    this.quantizer = quantizer;
    this.id = id;
    this.options = Map.copyOf(options);
  }

  public static SwapModule quantizer(String role, String id, Map<String, ?> options) {
    return new SwapModule(role, true, id, options);
  }

  public static SwapModule pruner(String role, String id, Map<String, ?> options) {
    return new SwapModule(role, false, id, options);
  }

  @Override
  protected void configure() {
    Key<?> key =
        quantizer
            ? Key.get(Quantizer.class, Names.named(role))
            : Key.get(Pruner.class, Names.named(role));
    bindRole(key, new ById(quantizer, id, options));
  }

  @SuppressWarnings("unchecked")
  private <T> void bindRole(Key<T> key, Provider<?> provider) {
    bind(key).toProvider((Provider<T>) provider);
  }

  /**
   * Resolves the strategy through the bound {@link Plugins}, so unknown ids fail naming the known
   * ones.
   */
  static final class ById implements Provider<Object> {
    private final boolean quantizer;
    private final String id;
    private final Map<String, ?> options;
    @Inject @org.jspecify.annotations.Nullable Plugins plugins;

    ById(boolean quantizer, String id, Map<String, ?> options) {
      this.quantizer = quantizer;
      this.id = id;
      this.options = options;
    }

    String id() {
      return id;
    }

    Map<String, ?> options() {
      return options;
    }

    @Override
    public Object get() {
      Plugins p = java.util.Objects.requireNonNull(plugins, "Guice injects the plugins");
      return quantizer ? p.quantizer(id, options) : p.pruner(id, options);
    }
  }

  @Override
  public String toString() {
    return "SwapModule(" + role + " -> " + id + " " + options + ")";
  }
}
