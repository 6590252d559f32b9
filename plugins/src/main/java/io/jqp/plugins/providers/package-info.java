/** ServiceLoader providers of the shipped strategies. */
@NullMarked
package io.jqp.plugins.providers;

import org.jspecify.annotations.NullMarked;
