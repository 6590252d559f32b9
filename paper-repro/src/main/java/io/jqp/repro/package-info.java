/**
 * One command per paper table: runs our arms over seeds, prints the paper's numbers beside ours and
 * says, for every qualitative claim, whether it held here.
 */
@NullMarked
package io.jqp.repro;

import org.jspecify.annotations.NullMarked;
