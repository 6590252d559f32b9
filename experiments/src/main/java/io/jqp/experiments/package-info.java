/**
 * Tasks, run configs, the runner and the command line: the only place (with paper-repro) Guice
 * wires things.
 */
@NullMarked
package io.jqp.experiments;

import org.jspecify.annotations.NullMarked;
