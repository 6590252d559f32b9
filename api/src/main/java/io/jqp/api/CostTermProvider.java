package io.jqp.api;

/**
 * Service interface for {@link CostTerm} plugins (network-level loss terms such as DJPQ's BOPs
 * cost); register implementations in {@code META-INF/services/io.jqp.api.CostTermProvider}.
 */
public interface CostTermProvider extends StrategyProvider<CostTerm> {}
