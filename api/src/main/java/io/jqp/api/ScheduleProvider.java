package io.jqp.api;

/**
 * Service interface for {@link Schedule} plugins; register implementations in {@code
 * META-INF/services/io.jqp.api.ScheduleProvider}.
 */
public interface ScheduleProvider extends StrategyProvider<Schedule> {}
