package io.jqp.engine.tf;

import io.jqp.api.JqpException;

/**
 * When the engine builds its compiled (XLA) scopes ({@link TfGraphOps#fused}): the system property
 * {@code jqp.fuse}, read when a graph is built. {@code auto} (the default) compiles them in a
 * training phase that lasts at least {@link #AUTO_MIN_STEPS} steps of the planned run ({@link
 * TfModel#plan}), where their compilation (about a quarter of a second per scope and build) is
 * repaid by faster steps; {@code true} ({@code --xla}) compiles them in every training build,
 * {@code false} in none. Evaluation builds never compile them.
 */
public final class TfFusion {
  static final String PROPERTY = "jqp.fuse";

  /**
   * The shortest phase {@code auto} compiles: its scopes cost about 0.25 s each per build, and save
   * about 5 ms per step of the small CNN (BENCHMARKS.md), so they pay after some 150 steps; 400
   * leaves a margin for slower compilation and smaller savings.
   */
  public static final long AUTO_MIN_STEPS = 400;

  /** Whether compiled scopes are built. */
  public enum Mode {
    /** never */
    OFF,
    /** in training phases of at least {@link #AUTO_MIN_STEPS} planned steps */
    AUTO,
    /** in every training build */
    ON
  }

  private TfFusion() {}

  /** A body that may throw. */
  @FunctionalInterface
  public interface Body<T, E extends Exception> {
    T get() throws E;
  }

  /** Turns compiled scopes on for every graph this process builds from now on. */
  public static void enable() {
    System.setProperty(PROPERTY, "true");
  }

  /** The mode the property asks for; an unknown value is an error naming the property. */
  public static Mode mode() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.equalsIgnoreCase("auto")) {
      return Mode.AUTO;
    }
    if (v.equalsIgnoreCase("true")) {
      return Mode.ON;
    }
    if (v.equalsIgnoreCase("false")) {
      return Mode.OFF;
    }
    throw new JqpException(
        "system property " + PROPERTY + " must be true, false or auto, got '" + v + "'");
  }

  /**
   * Whether a training build whose phase lasts {@code steps} steps (negative: not known) compiles
   * its scopes.
   */
  static boolean fuses(long steps) {
    return switch (mode()) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> steps >= AUTO_MIN_STEPS;
    };
  }

  /**
   * Runs {@code body} (which builds graphs) with compiled scopes on or off, then restores the
   * setting it found.
   */
  public static <T, E extends Exception> T during(boolean on, Body<T, E> body) throws E {
    return during(on ? Mode.ON : Mode.OFF, body);
  }

  /**
   * Sets the mode for every graph built from now on (a bench that runs several runs in turns sets
   * each run's mode when its turn comes).
   */
  public static void set(Mode mode) {
    System.setProperty(
        PROPERTY,
        switch (mode) {
          case ON -> "true";
          case OFF -> "false";
          case AUTO -> "auto";
        });
  }

  /** Runs {@code body} in {@code mode}, then restores the setting it found. */
  public static <T, E extends Exception> T during(Mode mode, Body<T, E> body) throws E {
    String old = System.getProperty(PROPERTY);
    set(mode);
    try {
      return body.get();
    } finally {
      if (old == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, old);
      }
    }
  }
}
