package io.jqp.api;

import org.jspecify.annotations.Nullable;

/**
 * A per-layer exception to a {@link Recipe}: sites whose layer name matches {@code layers} (a glob:
 * {@code *} any run of characters, {@code ?} one), of the given site kind and layer kind (null:
 * any), get this quantizer and/or pruner (null: keep the recipe's). Rules may prune the first and
 * last layers.
 */
public record SiteRule(
    String layers,
    @Nullable SiteKind siteKind,
    @Nullable LayerKind layerKind,
    @Nullable Quantizer quantizer,
    @Nullable Pruner pruner) {

  public SiteRule {
    if (layers.isBlank()) {
      throw new JqpException("a site rule needs a layer pattern, e.g. 'conv*' or '*'");
    }
  }

  /** Rule for the layers matching {@code glob}, both site kinds, no strategy yet. */
  public static SiteRule layers(String glob) {
    return new SiteRule(glob, null, null, null, null);
  }

  public SiteRule weights() {
    return new SiteRule(layers, SiteKind.WEIGHT, layerKind, quantizer, pruner);
  }

  public SiteRule activations() {
    return new SiteRule(layers, SiteKind.ACTIVATION, layerKind, quantizer, pruner);
  }

  public SiteRule ofKind(LayerKind kind) {
    return new SiteRule(layers, siteKind, kind, quantizer, pruner);
  }

  public SiteRule quantizer(Quantizer q) {
    return new SiteRule(layers, siteKind, layerKind, q, pruner);
  }

  public SiteRule pruner(Pruner p) {
    return new SiteRule(layers, siteKind, layerKind, quantizer, p);
  }

  public boolean matches(Site site) {
    return (siteKind == null || siteKind == site.kind())
        && (layerKind == null || layerKind == site.layerKind())
        && site.layer().matches(globToRegex(layers));
  }

  /** Whether the layer name matches this rule's glob (site and layer kinds aside). */
  public boolean matchesLayer(String layer) {
    return layer.matches(globToRegex(layers));
  }

  private static String globToRegex(String glob) {
    StringBuilder r = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> r.append(".*");
        case '?' -> r.append('.');
        default -> r.append(java.util.regex.Pattern.quote(String.valueOf(c)));
      }
    }
    return r.toString();
  }
}
