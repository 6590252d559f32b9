/**
 * Provider registries of the engine's plugin kinds (models, losses, optimizers), over jqp's and
 * plugin jars' classes.
 */
@NullMarked
package io.jqp.experiments.providers;

import org.jspecify.annotations.NullMarked;
