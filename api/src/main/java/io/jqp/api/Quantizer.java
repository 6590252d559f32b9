package io.jqp.api;

/**
 * Maps a site's tensor to its quantized value inside the graph, with whatever straight-through gradient the
 * strategy defines. May create state and register updates through the context. Write one as a lambda:
 * {@code (ops, x, ctx) -> ops.round(x)}.
 */
@FunctionalInterface
public interface Quantizer {

  Tensor quantize(GraphOps ops, Tensor x, SiteContext ctx);

  /** The quantizer that leaves every tensor as it is (full precision, 32 bits in footprints). */
  static Quantizer identity() {
    return Strategies.IDENTITY_QUANTIZER;
  }
}
