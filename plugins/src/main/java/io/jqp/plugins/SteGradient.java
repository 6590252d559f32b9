package io.jqp.plugins;

/** The straight-through gradient of the fixed-point quantizer (SPEC §1). */
public enum SteGradient {
  /** JQP Eq. 2: the incoming gradient passes with its values clipped to the representable range. */
  CLIPPED,
  /**
   * The gradient passes where the input was inside the representable range and is zero where it
   * saturated.
   */
  ZERO_SATURATED,
  /** The gradient passes unchanged. */
  IDENTITY
}
