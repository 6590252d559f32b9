package io.jqp.testkit;

import io.jqp.api.Pruner;
import io.jqp.api.SiteKind;
import org.junit.jupiter.api.Test;

/** Implement in a test class to run the pruner contract on your strategy with JUnit 5. */
public interface PrunerContract {

  Pruner pruner();

  /** Training steps whose updates and observers run before the checks. */
  default long steps() {
    return 16;
  }

  /** Whether the pruner accepts weight sites (activation-only pruners say false). */
  default boolean prunesWeights() {
    return true;
  }

  @Test
  default void prunerContractAtWeightSites() {
    if (prunesWeights()) {
      Contracts.pruner(pruner(), SiteKind.WEIGHT, steps());
    }
  }

  @Test
  default void prunerContractAtActivationSites() {
    Contracts.pruner(pruner(), SiteKind.ACTIVATION, steps());
  }

  @Test
  default void prunerDescribesItself() {
    String s = pruner().toString();
    Contracts.check(
        !s.contains("$$Lambda") && !s.matches(".*@[0-9a-f]+$"),
        s,
        "toString() should be the expression that built it");
  }
}
