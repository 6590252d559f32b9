/**
 * The strategies of the JQP and DJPQ papers as plugins: each is a plain value with a no-arg
 * provider registered for {@link java.util.ServiceLoader}. Depends on the api only.
 */
@NullMarked
package io.jqp.plugins;

import org.jspecify.annotations.NullMarked;
