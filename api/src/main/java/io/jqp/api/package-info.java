/**
 * The jqp service-provider interface: {@link io.jqp.api.Quantizer}, {@link io.jqp.api.Pruner} and
 * {@link io.jqp.api.Schedule}, the {@link io.jqp.api.Site} they act on, the {@link
 * io.jqp.api.SiteContext} they receive, and the engine-neutral {@link io.jqp.api.GraphOps} they
 * build with. Depends on nothing but JSpecify, so strategies written against it run on any engine.
 */
@NullMarked
package io.jqp.api;

import org.jspecify.annotations.NullMarked;
