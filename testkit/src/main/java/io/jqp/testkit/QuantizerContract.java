package io.jqp.testkit;

import io.jqp.api.Quantizer;
import io.jqp.api.SiteKind;
import org.junit.jupiter.api.Test;

/** Implement in a test class to run the quantizer contract on your strategy with JUnit 5. */
public interface QuantizerContract {

  Quantizer quantizer();

  /**
   * Training steps whose updates run before the checks (long enough for a delayed quantizer to
   * switch on).
   */
  default long steps() {
    return 16;
  }

  @Test
  default void quantizerContractAtWeightSites() {
    Contracts.quantizer(quantizer(), SiteKind.WEIGHT, steps());
  }

  @Test
  default void quantizerContractAtActivationSites() {
    Contracts.quantizer(quantizer(), SiteKind.ACTIVATION, steps());
  }

  @Test
  default void quantizerDescribesItself() {
    String s = quantizer().toString();
    Contracts.check(
        !s.contains("$$Lambda") && !s.matches(".*@[0-9a-f]+$"),
        s,
        "toString() should be the expression that built it");
  }
}
