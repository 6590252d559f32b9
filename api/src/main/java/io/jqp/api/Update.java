package io.jqp.api;

/**
 * A graph operation that changes strategy state when the trainer runs it (see {@link
 * SiteContext#onUpdate}).
 */
public interface Update {}
