/**
 * The TensorFlow Java engine: builds networks as graphs with a quantizer and a pruner at every
 * weight and activation site, trains them, evaluates, checkpoints. Engine classes carry a {@code
 * Tf} prefix.
 */
@NullMarked
package io.jqp.engine.tf;

import org.jspecify.annotations.NullMarked;
