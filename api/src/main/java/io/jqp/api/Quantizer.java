package io.jqp.api;

/**
 * Maps a site's tensor to its quantized value inside the graph, with whatever straight-through
 * gradient the strategy defines. May create state and register updates through the context. Write
 * one as a lambda: {@code (ops, x, ctx) -> ops.round(x)}.
 */
@FunctionalInterface
public interface Quantizer {

  Tensor quantize(GraphOps ops, Tensor x, SiteContext ctx);

  /**
   * A quantizer that prints as {@code name}: give a lambda a name, and logs, {@code layers.csv},
   * reports and summaries show it instead of the JVM's {@code ...$$Lambda$...} text, which differs
   * in every run.
   */
  static Quantizer named(String name, Quantizer quantizer) {
    return new Strategies.NamedQuantizer(Strategies.checkName(name), quantizer);
  }

  /** The quantizer that leaves every tensor as it is (full precision, 32 bits in footprints). */
  static Quantizer identity() {
    return Strategies.IDENTITY_QUANTIZER;
  }
}
