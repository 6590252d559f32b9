package io.jqp.api;

/**
 * Service interface for {@link Pruner} plugins; register implementations in {@code
 * META-INF/services/io.jqp.api.PrunerProvider}.
 */
public interface PrunerProvider extends StrategyProvider<Pruner> {}
