package io.jqp.api;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The options a strategy is configured with (from a config file, the command line or code), with
 * typed getters that fail on a wrong type or an unknown key, naming the option and the strategy.
 *
 * @param owner what the options configure, for messages (e.g. {@code quantizer 'fixed'})
 * @param values option values: numbers, strings or booleans
 */
public record StrategyOptions(String owner, Map<String, Object> values) {

  public StrategyOptions {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public static StrategyOptions empty(String owner) {
    return new StrategyOptions(owner, Map.of());
  }

  /** A copy with one more (or replaced) option. */
  public StrategyOptions with(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(key, value);
    return new StrategyOptions(owner, m);
  }

  /** Fails when an option is not among {@code known}, listing the known ones. */
  public StrategyOptions requireKnown(Collection<String> known) {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        throw new JqpException(
            "unknown option '"
                + key
                + "' for "
                + owner
                + "; known: "
                + String.join(", ", new TreeSet<>(known)));
      }
    }
    return this;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public double getDouble(String key, double fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new JqpException(
        "option '" + key + "' of " + owner + " must be a number, got " + shown(v));
  }

  public int getInt(String key, int fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    long d = whole(key, v);
    if (Math.abs(d) > Integer.MAX_VALUE) {
      throw new JqpException(
          "option '" + key + "' of " + owner + " must be a whole number, got " + shown(v));
    }
    return (int) d;
  }

  public long getLong(String key, long fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    return whole(key, v);
  }

  public @Nullable Integer getIntOrNull(String key) {
    return values.containsKey(key) ? getInt(key, 0) : null;
  }

  public boolean getBoolean(String key, boolean fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new JqpException(
        "option '" + key + "' of " + owner + " must be true or false, got " + shown(v));
  }

  public String getString(String key, String fallback) {
    Object v = values.get(key);
    if (v != null && !(v instanceof String)) {
      throw new JqpException("option '" + key + "' of " + owner + " must be text, got " + shown(v));
    }
    return v == null ? fallback : (String) v;
  }

  /**
   * An enum option, matched case-insensitively with '-' for '_'; a bad value lists the allowed
   * ones.
   */
  public <E extends Enum<E>> E getEnum(String key, Class<E> type, E fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    String s = v.toString().trim().replace('-', '_').toUpperCase(java.util.Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(s)) {
        return e;
      }
    }
    TreeSet<String> allowed = new TreeSet<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    throw new JqpException(
        "option '"
            + key
            + "' of "
            + owner
            + " must be one of "
            + String.join(", ", allowed)
            + ", got '"
            + v
            + "'");
  }

  /** Whole numbers only: no text ("4"), no fractions (7.9 is not 7). */
  private long whole(String key, Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    throw new JqpException(
        "option '" + key + "' of " + owner + " must be a whole number, got " + shown(v));
  }

  /** A value as a YAML file shows it: text quoted. */
  private static String shown(Object v) {
    return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }
}
