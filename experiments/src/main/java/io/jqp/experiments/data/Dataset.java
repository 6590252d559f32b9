package io.jqp.experiments.data;

import io.jqp.engine.tf.TfModel;

/**
 * An in-memory labelled image set, NHWC float32, with seeded shuffling and batching.
 *
 * @param images {@code size × H × W × C} values, row-major
 * @param labels class per image
 * @param sampleShape H, W, C
 */
public record Dataset(float[] images, int[] labels, long[] sampleShape) {

  public int size() {
    return labels.length;
  }

  public int sampleSize() {
    long n = 1;
    for (long d : sampleShape) {
      n *= d;
    }
    return (int) n;
  }

  /** The first {@code n} samples (for quick runs and tests). */
  public Dataset head(int n) {
    int k = Math.min(n, size());
    float[] x = new float[k * sampleSize()];
    System.arraycopy(images, 0, x, 0, x.length);
    int[] y = new int[k];
    System.arraycopy(labels, 0, y, 0, k);
    return new Dataset(x, y, sampleShape);
  }

  /**
   * The images zero-padded (in pixel space, i.e. with the normalised value of a black pixel) to
   * {@code side}×{@code side}, centred; CIFAR-sized inputs for the MobileNetV2 task.
   */
  public Dataset padTo(int side, float background) {
    int h = (int) sampleShape[0];
    int w = (int) sampleShape[1];
    int c = (int) sampleShape[2];
    if (h == side && w == side) {
      return this;
    }
    if (h > side || w > side) {
      throw new IllegalArgumentException("cannot pad " + h + "x" + w + " images to " + side);
    }
    int top = (side - h) / 2;
    int left = (side - w) / 2;
    int per = side * side * c;
    float[] out = new float[size() * per];
    java.util.Arrays.fill(out, background);
    for (int n = 0; n < size(); n++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(
            images, ((n * h + y) * w) * c, out, n * per + ((y + top) * side + left) * c, w * c);
      }
    }
    return new Dataset(out, labels, new long[] {side, side, c});
  }

  /** The sample order of one epoch: a permutation drawn from {@code seed} and the epoch number. */
  public int[] order(long seed, int epoch) {
    return order(size(), seed, epoch);
  }

  /** Number of full batches in an epoch (the last partial batch is dropped in training). */
  public int batchesPerEpoch(int batchSize) {
    return size() / batchSize;
  }

  /** Batch {@code b} of an epoch's {@code order}. */
  public TfModel.Batch batch(int[] order, int b, int batchSize) {
    int per = sampleSize();
    float[] x = new float[batchSize * per];
    int[] y = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      int src = order[b * batchSize + i];
      System.arraycopy(images, src * per, x, i * per, per);
      y[i] = labels[src];
    }
    return TfModel.Batch.classification(x, y);
  }

  /** Consecutive samples [from, from + n) in storage order, for evaluation. */
  public TfModel.Batch slice(int from, int n) {
    int per = sampleSize();
    int k = Math.min(n, size() - from);
    float[] x = new float[k * per];
    System.arraycopy(images, from * per, x, 0, x.length);
    int[] y = new int[k];
    System.arraycopy(labels, from, y, 0, k);
    return TfModel.Batch.classification(x, y);
  }

  /**
   * The sample order of one epoch: a permutation of {@code n} drawn from {@code seed} and the
   * epoch.
   */
  public static int[] order(int n, long seed, int epoch) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    java.util.Random r = new java.util.Random(seed * 1_000_003L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }
}
