@NullMarked
package io.jqp.experiments.data;

import org.jspecify.annotations.NullMarked;
