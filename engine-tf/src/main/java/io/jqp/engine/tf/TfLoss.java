package io.jqp.engine.tf;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A task loss in the graph: compares the network's output with the batch's class labels or target
 * values. The shipped ones ({@code softmax-cross-entropy}, {@code mse}, {@code l1}) are {@link
 * LossProvider} plugins like a user's; strategies' loss terms and cost terms are added to it by the
 * training step.
 */
public interface TfLoss {

  /** Whether the loss reads integer class labels or float targets shaped like the output. */
  boolean classification();

  /**
   * The mean loss over the batch; {@code labels} is fed for classification losses, {@code targets}
   * otherwise.
   */
  Operand<TFloat32> loss(
      Ops tf, Operand<TFloat32> output, Operand<TInt32> labels, Operand<TFloat32> targets);

  /**
   * Correct predictions in the batch (accuracy's numerator); a constant 0 where the loss has no
   * such notion.
   */
  default Operand<TFloat32> correct(Ops tf, Operand<TFloat32> output, Operand<TInt32> labels) {
    return tf.constant(0f);
  }
}
