package io.jqp.engine.tf;

/**
 * The switch of the engine's compiled (XLA) scopes ({@link TfGraphOps#fused}): the system property
 * {@code jqp.fuse}, read when a graph is built. Off unless set to {@code true}.
 */
public final class TfFusion {
  static final String PROPERTY = "jqp.fuse";

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

  static boolean requested() {
    return "true".equals(System.getProperty(PROPERTY));
  }

  /**
   * Runs {@code body} (which builds graphs) with compiled scopes on or off, then restores the
   * setting it found.
   */
  public static <T, E extends Exception> T during(boolean on, Body<T, E> body) throws E {
    String old = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, Boolean.toString(on));
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
