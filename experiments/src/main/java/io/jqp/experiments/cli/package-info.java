@NullMarked
package io.jqp.experiments.cli;

import org.jspecify.annotations.NullMarked;
