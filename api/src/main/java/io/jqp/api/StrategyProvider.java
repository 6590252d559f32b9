package io.jqp.api;

import java.util.Map;

/**
 * A factory for one strategy, found by {@link java.util.ServiceLoader} through one of the typed
 * sub-interfaces. Implementations are {@code public final}, have a no-arg constructor and are cheap
 * to create.
 *
 * @param <T> the strategy type
 */
public interface StrategyProvider<T> {

  /** Stable kebab-case id used in configs (e.g. {@code fixed}, {@code magnitude}). */
  String id();

  /** One sentence for {@code list-plugins}. */
  String description();

  /** Option names mapped to "default — meaning" text, in display order. */
  Map<String, String> options();

  /**
   * Creates the strategy; rejects unknown options and out-of-range values with a one-line message.
   */
  T create(StrategyOptions options);
}
