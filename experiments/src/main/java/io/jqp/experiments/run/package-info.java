@NullMarked
package io.jqp.experiments.run;

import org.jspecify.annotations.NullMarked;
