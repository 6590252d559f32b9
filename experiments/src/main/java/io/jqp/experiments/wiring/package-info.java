/**
 * Guice wiring of ablation studies: one small module per arm ({@link
 * io.jqp.experiments.wiring.ArmModule}), strategies bound by role and resolved by plugin id ({@link
 * io.jqp.experiments.wiring.StrategiesModule}), and {@link io.jqp.experiments.wiring.SwapModule} to
 * replace one strategy by id with {@code Modules.override}: an experiment changes arms and
 * strategies without code changes.
 */
@NullMarked
package io.jqp.experiments.wiring;

import org.jspecify.annotations.NullMarked;
