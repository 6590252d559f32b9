package io.jqp.plugins;

/** How a scaled value becomes an integer in the fixed-point quantizer (SPEC §1). */
public enum Rounding {
  /** Toward zero, as the reference implementation; keeps integer-only inference bit-exact. */
  TRUNCATE,
  /** To nearest, ties to even. */
  HALF_EVEN
}
