package io.jqp.plugins;

/**
 * Factories for the shipped quantizers, so code and logs read alike ({@code Quantizers.fixed(8)}).
 */
public final class Quantizers {
  private Quantizers() {}

  /**
   * N-bit fixed point, d* searched on the first batch; refine with {@code withFractionalBits},
   * {@code withDelay}, …
   */
  public static FixedPointQuantizer fixed(int bits) {
    return FixedPointQuantizer.of(bits);
  }
}
