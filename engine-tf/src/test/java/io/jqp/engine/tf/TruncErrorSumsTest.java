package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jqp.api.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A windowed d* search's per-sample sums of every candidate's errors in one kernel ({@code
 * JqpTruncErrorSums}) against the composition (each candidate's errors, then TensorFlow's Sum): the
 * element errors are the same bits, so the sums may differ only by the order of addition. The
 * kernel's are checked against a double-precision sum of the composition's errors, to the float
 * they round to or the next one.
 */
class TruncErrorSumsTest {
  private static final double[] SCALES = scales(-4, 12);

  private static double[] scales(int lo, int hi) {
    double[] s = new double[hi - lo];
    for (int d = lo; d < hi; d++) {
      s[d - lo] = Math.pow(2, d);
    }
    return s;
  }

  /** A batch of activations after batch norm: mostly normal, some large, some exactly zero. */
  private static float[] batch(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double g = r.nextGaussian();
      v[i] = i % 53 == 0 ? 0f : (float) (i % 31 == 0 ? g * 40 : g);
    }
    return v;
  }

  /**
   * {kernel's sums, composition's element errors}: [R][B·C] sums, and [R][n] errors, for x of
   * {@code shape} fed through a placeholder of unknown batch size.
   */
  private static float[][][] run(float[] x, long[] shape, int bits, boolean perChannel) {
    float[][][] out = new float[2][][];
    for (int k = 0; k < 2; k++) {
      boolean composed = k == 1;
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        TfGraphOps ops = new TfGraphOps(tf, g);
        long[] unknownBatch = shape.clone();
        unknownBatch[0] = -1;
        Operand<TFloat32> xp =
            tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(unknownBatch)));
        List<Tensor> result;
        TfNativeKernels.offOnThisThread(composed);
        try {
          result =
              composed
                  ? ops.truncationErrors(new TfTensor(xp), bits, SCALES)
                  : ops.truncationErrorSums(new TfTensor(xp), bits, SCALES, perChannel);
        } finally {
          TfNativeKernels.offOnThisThread(false);
        }
        assertEquals(!composed, NativeKernelsTest.hasOp(g, "JqpTruncErrorSums"));
        assertFalse(!composed && NativeKernelsTest.hasOp(g, "JqpTruncError"), "no element pass");
        assertEquals(SCALES.length, result.size());
        try (Session s = new Session(g);
            TFloat32 feed = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(x))) {
          Session.Runner r = s.runner().feed(xp, feed);
          result.forEach(t -> r.fetch(TfTensor.of(t)));
          try (Result res = r.run()) {
            out[k] = new float[SCALES.length][];
            for (int i = 0; i < SCALES.length; i++) {
              TFloat32 t = (TFloat32) res.get(i);
              if (!composed) {
                long[] want =
                    perChannel
                        ? new long[] {shape[0], shape[shape.length - 1]}
                        : new long[] {shape[0]};
                assertEquals(Shape.of(want), t.shape(), "one sum per sample (and channel)");
              }
              out[k][i] = new float[(int) t.size()];
              t.asRawTensor().data().asFloats().read(out[k][i]);
            }
          }
        }
      }
    }
    return out;
  }

  private static void assertSums(float[] x, long[] shape, int bits, boolean perChannel) {
    float[][][] r = run(x, shape, bits, perChannel);
    int samples = (int) shape[0];
    int channels = perChannel ? (int) shape[shape.length - 1] : 1;
    int perSample = x.length / samples;
    for (int i = 0; i < SCALES.length; i++) {
      float[] errors = r[1][i];
      for (int b = 0; b < samples; b++) {
        for (int c = 0; c < channels; c++) {
          double sum = 0;
          for (int j = c; j < perSample; j += channels) {
            sum += errors[b * perSample + j];
          }
          float want = (float) sum;
          float got = r[0][i][b * channels + c];
          String what = "scale " + SCALES[i] + " sample " + b + " channel " + c;
          if (Double.isNaN(sum)) {
            assertTrue(Float.isNaN(got), what + ": NaN");
          } else {
            assertTrue(
                Math.abs(got - want) <= Math.ulp(want), what + ": " + got + " against " + want);
          }
        }
      }
    }
  }

  @Test
  void perSampleSumsAreTheCompositionsErrorsSummed() {
    assumeTrue(TfNativeKernels.available());
    long[] shape = {37, 7, 7, 24}; // an odd number of values per sample: the lanes' tail
    float[] x = batch(37 * 7 * 7 * 24, 3);
    x[5 * 7 * 7 * 24 + 11] = Float.NaN; // sample 5's sums are NaN
    for (int bits : new int[] {2, 8, 16}) {
      assertSums(x, shape, bits, false);
    }
    long[] flat = {37, 7 * 7 * 24};
    assertSums(x, flat, 8, false);
  }

  @Test
  void perChannelSumsAreTheCompositionsErrorsSummed() {
    assumeTrue(TfNativeKernels.available());
    long[] shape = {20, 5, 5, 24};
    float[] x = batch(20 * 5 * 5 * 24, 7);
    assertSums(x, shape, 8, true);
    long[] wide = {4, 3, 1200}; // more channels than the kernel's block of errors
    assertSums(batch(4 * 3 * 1200, 9), wide, 4, true);
  }
}
