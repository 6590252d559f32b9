@NullMarked
package io.jqp.experiments.models;

import org.jspecify.annotations.NullMarked;
