package io.jqp.api;

/**
 * Service interface for {@link Quantizer} plugins; register implementations in {@code
 * META-INF/services/io.jqp.api.QuantizerProvider}.
 */
public interface QuantizerProvider extends StrategyProvider<Quantizer> {}
