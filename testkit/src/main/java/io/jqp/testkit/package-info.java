/**
 * Contract tests every {@link io.jqp.api.Quantizer}, {@link io.jqp.api.Pruner} and {@link
 * io.jqp.api.Schedule} must pass: JUnit 5 interfaces with default tests ({@code implements
 * QuantizerContract}) and Kotest factories ({@code include(quantizerContract(...))}), both running
 * the same checks from {@link io.jqp.testkit.Contracts}.
 */
@NullMarked
package io.jqp.testkit;

import org.jspecify.annotations.NullMarked;
