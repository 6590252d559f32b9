package io.jqp.plugins;

import io.jqp.api.Schedule;

/** Factories for the shipped pruners ({@code Pruners.magnitude(0.5)}). */
public final class Pruners {
  private Pruners() {}

  public static MagnitudePruner magnitude(double sparsity) {
    return MagnitudePruner.of(sparsity);
  }

  public static MagnitudePruner magnitude(Schedule schedule) {
    return new MagnitudePruner(schedule);
  }
}
