package io.jqp.api;

/** The kind of layer that owns a site; recipes select strategies by it. */
public enum LayerKind {
  CONV2D,
  DEPTHWISE_CONV2D,
  TRANSPOSED_CONV2D,
  DENSE;

  /** Kebab-case name used in configs and reports ({@code depthwise-conv2d}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
