package io.jqp.api;

/** What a site transforms: a layer's weight tensor or the activation tensor it produces. */
public enum SiteKind {
  WEIGHT,
  ACTIVATION;

  /**
   * Lower-case name used in site names, configs and reports ({@code weight}, {@code activation}).
   */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
