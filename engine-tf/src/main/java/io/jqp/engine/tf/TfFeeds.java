package io.jqp.engine.tf;

import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A model's input, label and target placeholders, and the tensors of one batch fed into them: what
 * a step copies in (the batch) and nothing else.
 */
final class TfFeeds {
  final Placeholder<TFloat32> input;
  final Placeholder<TInt32> labels;
  final Placeholder<TFloat32> targets;
  private final long[] sampleShape;
  private final long[] outputShape;
  private final boolean classification;

  /** The input placeholder {@code [batch, ...sampleShape]}, named {@code input}. */
  static Placeholder<TFloat32> input(Ops tf, long[] sampleShape) {
    return tf.withName("input")
        .placeholder(TFloat32.class, Placeholder.shape(Shape.of(batchOf(-1, sampleShape))));
  }

  /** Adds the label and target placeholders for a network with this input and output shape. */
  TfFeeds(
      Ops tf,
      Placeholder<TFloat32> input,
      long[] sampleShape,
      Shape outputShape,
      boolean classification) {
    this.input = input;
    this.sampleShape = sampleShape.clone();
    this.classification = classification;
    this.labels = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    long[] out = outputShape.asArray();
    out[0] = -1;
    this.outputShape = out;
    this.targets =
        tf.withName("targets").placeholder(TFloat32.class, Placeholder.shape(Shape.of(out)));
  }

  private static long[] batchOf(long size, long[] sample) {
    long[] s = new long[sample.length + 1];
    s[0] = size;
    System.arraycopy(sample, 0, s, 1, sample.length);
    return s;
  }

  /** The batch's tensors, to feed into runners until closed. */
  Feed open(TfModel.Batch b) {
    TFloat32 x =
        TFloat32.tensorOf(
            Shape.of(batchOf(b.size(), sampleShape)), DataBuffers.of(b.inputs(), true, false));
    try {
      Tensor y;
      if (classification) {
        y = TInt32.vectorOf(b.labels());
      } else {
        long[] s = outputShape.clone();
        s[0] = b.size();
        y = TFloat32.tensorOf(Shape.of(s), DataBuffers.of(b.targets(), true, false));
      }
      return new Feed(x, y);
    } catch (RuntimeException e) {
      x.close();
      throw e;
    }
  }

  /** One batch's input and label (or target) tensors. */
  final class Feed implements AutoCloseable {
    private final TFloat32 x;
    private final Tensor y;

    private Feed(TFloat32 x, Tensor y) {
      this.x = x;
      this.y = y;
    }

    /** Feeds the batch into {@code r}. */
    Session.Runner into(Session.Runner r) {
      r.feed(input, x);
      return classification ? r.feed(labels, y) : r.feed(targets, y);
    }

    @Override
    public void close() {
      x.close();
      y.close();
    }
  }
}
