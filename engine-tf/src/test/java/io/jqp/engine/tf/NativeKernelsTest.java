package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jqp.api.GraphOps;
import io.jqp.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
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
 * jqp's one-pass truncating quantizer kernel ({@link TfNativeKernels}) against TensorFlow's chain
 * of kernels it replaces: the same bits for every value, per tensor and per channel, through the
 * engine's {@link TfGraphOps#fixedPoint} with the straight-through gradient intact.
 */
class NativeKernelsTest {

  /** Built with a C compiler (as on this project's machines), the library is there and loads. */
  @Test
  void loadsWhereBuilt() {
    assumeBuilt("libjqpops.so", "built without a C compiler: the engine runs TensorFlow's kernels");
    assertTrue(TfNativeKernels.available());
  }

  /** Skips a test where build.sh did not leave {@code file} (a compiler was missing). */
  private static void assumeBuilt(String file, String why) {
    assumeTrue(TfNativeKernels.class.getResource("/io/jqp/engine/tf/native/" + file) != null, why);
  }

  /**
   * Built with a C++ compiler too (build.sh leaves a marker then), the kernels find TensorFlow's
   * intra-op threads and split their work there ({@code jqp_tfpool.cc}); a TensorFlow whose symbols
   * or layout differ would fall back to jqp's own pool, and this test would say so.
   */
  @Test
  void kernelsRunOnTensorFlowsIntraOpThreads() {
    assumeBuilt("libjqpops.tfpool", "built without a C++ compiler: the kernels use jqp's own pool");
    assertTrue(TfNativeKernels.available());
    assertTrue(TfNativeKernels.onTensorFlowThreads());
  }

  /**
   * Values around every edge: both bounds and just past them, exact multiples of 2^−d and their
   * neighbours (one ulp off), ±0, tiny and huge magnitudes, and normal samples at a few scales.
   */
  private static float[] values(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    float[] edges = {
      0f,
      -0f,
      1f,
      -1f,
      0.5f,
      -0.5f,
      3.96875f,
      -4f,
      4f,
      -4.03125f,
      1e-30f,
      -1e-30f,
      3e38f,
      -3e38f,
      Math.nextUp(1f),
      Math.nextDown(1f),
      Math.nextUp(-1f),
      Math.nextDown(-1f),
      127f,
      -128f,
      200f
    };
    for (int i = 0; i < n; i++) {
      if (i < edges.length) {
        v[i] = edges[i];
      } else if (i % 7 == 0) {
        // a multiple of 2^-6 (a grid point at some d) or its neighbour
        float g = (r.nextInt(2001) - 1000) / 64f;
        v[i] =
            switch (i % 3) {
              case 0 -> g;
              case 1 -> Math.nextUp(g);
              default -> Math.nextDown(g);
            };
      } else {
        v[i] = (float) (r.nextGaussian() * Math.pow(4, r.nextInt(5) - 2));
      }
    }
    return v;
  }

  /** [native, chain] quantized values of {@code x} (shape) at {@code d} (dShape) with N bits. */
  private static float[][] both(float[] x, long[] shape, float[] d, long[] dShape, int bits) {
    return both(x, shape, d, dShape, bits, true);
  }

  /**
   * [native, TensorFlow's] quantized values: with truncation, TensorFlow's chain; rounding half to
   * even, its fused QuantizeAndDequantizeV4 (a scalar d) or the chain.
   */
  private static float[][] both(
      float[] x, long[] shape, float[] d, long[] dShape, int bits, boolean towardZero) {
    float[][] out = new float[2][];
    for (int k = 0; k < 2; k++) {
      boolean chain = k == 1;
      try (Graph g = new Graph();
          Fed fed = new Fed()) {
        Ops tf = Ops.create(g);
        TfGraphOps ops = new TfGraphOps(tf, g);
        Operand<TFloat32> xc = fed.intermediate(tf, x, shape);
        Operand<TFloat32> dc = tf.constant(Shape.of(dShape), DataBuffers.of(d));
        TfNativeKernels.offOnThisThread(chain);
        Tensor q;
        try {
          q =
              ops.fixedPoint(
                  new TfTensor(xc),
                  new TfTensor(dc),
                  bits,
                  towardZero,
                  GraphOps.StraightThrough.CLIPPED);
        } finally {
          TfNativeKernels.offOnThisThread(false);
        }
        boolean nativeOp = hasOp(g, "JqpQuant");
        assertEquals(!chain && TfNativeKernels.available(), nativeOp, "kernel built only when on");
        try (Session s = new Session(g);
            Result r = fed.into(s.runner()).fetch(TfTensor.of(q)).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] v = new float[x.length];
          t.asRawTensor().data().asFloats().read(v);
          out[k] = v;
        }
      }
    }
    return out;
  }

  /**
   * Values that enter a graph as a step's intermediate ones, not constants: the concatenation of
   * two fed halves, in a buffer that only the next op holds (Grappler cannot fold it). TensorFlow
   * then lets jqp's kernels write their output over their input, so the bit-for-bit comparisons
   * below run the kernels in place, as training runs them; the chain gets a buffer of its own with
   * the same bits.
   */
  static final class Fed implements AutoCloseable {
    private final List<Placeholder<TFloat32>> placeholders = new ArrayList<>();
    private final List<TFloat32> values = new ArrayList<>();

    Operand<TFloat32> intermediate(Ops tf, float[] x, long[] shape) {
      int half = x.length / 2;
      Operand<TFloat32> a = feed(tf, Arrays.copyOfRange(x, 0, half));
      Operand<TFloat32> b = feed(tf, Arrays.copyOfRange(x, half, x.length));
      return tf.reshape(tf.concat(List.of(a, b), tf.constant(0)), tf.constant(shape));
    }

    private Operand<TFloat32> feed(Ops tf, float[] v) {
      Placeholder<TFloat32> p =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(v.length)));
      placeholders.add(p);
      values.add(TFloat32.tensorOf(Shape.of(v.length), DataBuffers.of(v)));
      return p;
    }

    Session.Runner into(Session.Runner r) {
      for (int i = 0; i < placeholders.size(); i++) {
        r.feed(placeholders.get(i), values.get(i));
      }
      return r;
    }

    @Override
    public void close() {
      values.forEach(TFloat32::close);
    }
  }

  static boolean hasOp(Graph g, String type) {
    boolean[] found = {false};
    g.operations().forEachRemaining(o -> found[0] |= o.type().equals(type));
    return found[0];
  }

  static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  /** The bits, with −0 as +0. */
  private static int[] signlessZeroBits(float[] v) {
    int[] b = bits(v);
    for (int i = 0; i < b.length; i++) {
      b[i] = b[i] == 0x80000000 ? 0 : b[i];
    }
    return b;
  }

  /**
   * A fused ReLU's output against TensorFlow's Relu's: the same bits with −0 as +0 (TensorFlow's
   * Relu keeps −0 in its scalar tail), and never −0 from the kernel.
   */
  static void assertSameReluOutput(float[] chain, float[] fused, String what) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        signlessZeroBits(chain), signlessZeroBits(fused), what);
    for (float v : fused) {
      assertTrue(Float.floatToRawIntBits(v) != 0x80000000, "the fused ReLU gives +0, " + what);
    }
  }

  /** [native, composed] candidate errors of {@code x} at every scale, concatenated. */
  private static float[][] truncationErrors(float[] x, int bits, double[] scales) {
    float[][] out = new float[2][];
    for (int k = 0; k < 2; k++) {
      boolean composed = k == 1;
      try (Graph g = new Graph();
          Fed fed = new Fed()) {
        Ops tf = Ops.create(g);
        TfGraphOps ops = new TfGraphOps(tf, g);
        Operand<TFloat32> xc = fed.intermediate(tf, x, new long[] {x.length});
        TfNativeKernels.offOnThisThread(composed);
        List<Tensor> e;
        try {
          e = ops.truncationErrors(new TfTensor(xc), bits, scales);
        } finally {
          TfNativeKernels.offOnThisThread(false);
        }
        assertEquals(
            !composed && TfNativeKernels.available(),
            hasOp(g, "JqpTruncError"),
            "kernel built only when on");
        assertFalse(hasOp(g, "Floor") && !composed, "no composed error beside the kernel");
        float[] all = new float[x.length * scales.length];
        try (Session s = new Session(g)) {
          Session.Runner r = fed.into(s.runner());
          e.forEach(t -> r.fetch(TfTensor.of(t)));
          try (Result res = r.run()) {
            for (int i = 0; i < scales.length; i++) {
              float[] v = new float[x.length];
              ((TFloat32) res.get(i)).asRawTensor().data().asFloats().read(v);
              System.arraycopy(v, 0, all, i * x.length, x.length);
            }
          }
        }
        out[k] = all;
      }
    }
    return out;
  }

  /**
   * A d* search's candidate errors from jqp's kernel, bit for bit those of the composition of
   * TensorFlow's kernels (abs, multiply, floor, minimum, squared difference): every bit width, the
   * search's scales 2^d for d in [−30, 30], around every edge (±0, bounds, huge values that
   * overflow to infinity, subnormals that TensorFlow's threads read as zero, NaN).
   */
  @Test
  void truncationErrorsMatchTheCompositionBitForBit() {
    assumeTrue(TfNativeKernels.available());
    float[] x = values(300_000, 11);
    x[21] = Float.NaN;
    x[22] = -Float.NaN;
    x[23] = Float.POSITIVE_INFINITY;
    x[24] = Float.NEGATIVE_INFINITY;
    x[25] = Float.MIN_VALUE;
    x[26] = -Float.MIN_VALUE;
    x[27] = -Float.MIN_NORMAL;
    x[28] = 16777215f;
    x[29] = -16777216f;
    x[30] = 16777217f * 2;
    double[] scales = new double[13];
    for (int i = 0; i < scales.length; i++) {
      scales[i] = Math.pow(2, -30 + 5 * i);
    }
    for (int n : new int[] {1, 2, 4, 8, 16, 23, 24}) {
      float[][] r = truncationErrors(x, n, scales);
      int[] a = bits(r[0]);
      int[] b = bits(r[1]);
      for (int i = 0; i < a.length; i++) {
        boolean bothNaN = Float.isNaN(r[0][i]) && Float.isNaN(r[1][i]);
        if (!bothNaN && a[i] != b[i]) {
          throw new AssertionError(
              "N="
                  + n
                  + " scale=2^"
                  + (-30 + 5 * (i / x.length))
                  + " x="
                  + x[i % x.length]
                  + ": kernel "
                  + r[0][i]
                  + ", composed "
                  + r[1][i]);
        }
      }
    }
  }

  /** [native, composed] masks of {@code keepLargest(x in shape, keep)}. */
  private static float[][] keepLargest(float[] x, long[] shape, float keep) {
    float[][] out = new float[2][];
    for (int k = 0; k < 2; k++) {
      boolean composed = k == 1;
      try (Graph g = new Graph();
          Fed fed = new Fed()) {
        Ops tf = Ops.create(g);
        TfGraphOps ops = new TfGraphOps(tf, g);
        Operand<TFloat32> xc = fed.intermediate(tf, x, shape);
        TfNativeKernels.offOnThisThread(composed);
        Tensor m;
        try {
          m = ops.keepLargest(new TfTensor(xc), new TfTensor(tf.constant(keep)));
        } finally {
          TfNativeKernels.offOnThisThread(false);
        }
        assertEquals(
            !composed && TfNativeKernels.available(),
            hasOp(g, "JqpKeepLargest"),
            "kernel built only when on");
        assertEquals(composed, hasOp(g, "TopKV2"), "TopK only where the kernel is off");
        try (Session s = new Session(g);
            Result res = fed.into(s.runner()).fetch(TfTensor.of(m)).run()) {
          TFloat32 t = (TFloat32) res.get(0);
          assertArrayEquals(shape, t.shape().asArray(), "the mask has the importance's shape");
          float[] v = new float[x.length];
          t.asRawTensor().data().asFloats().read(v);
          out[k] = v;
        }
      }
    }
    return out;
  }

  /**
   * A magnitude mask by jqp's selection kernel is the set TensorFlow's TopK selects, bit for bit:
   * fc1's 401 K weights, heavy ties (few distinct values, ±0 among them, a pruned layer's zeros),
   * subnormals (TensorFlow's threads compare them as zero), ±∞, every edge of k (0, 1, n − 1, n,
   * past n, negative, fractional), and shapes of rank 1 to 4.
   */
  @Test
  void keepLargestSelectsTopKsSetBitForBit() {
    assumeTrue(TfNativeKernels.available());
    Random r = new Random(5);
    int n = 3136 * 128;
    float[] normal = new float[n];
    float[] ties = new float[n];
    float[] edges = values(n, 9);
    for (int i = 0; i < n; i++) {
      normal[i] = (float) Math.abs(r.nextGaussian() * 0.05);
      ties[i] = (r.nextInt(9) - 4) * 0.25f;
      if (ties[i] == 0 && r.nextBoolean()) {
        ties[i] = -0f;
      }
      if (i % 3 == 0) {
        edges[i] = 0f;
      }
    }
    edges[1] = Float.MIN_VALUE;
    edges[2] = -Float.MIN_VALUE;
    edges[4] = Float.MIN_NORMAL;
    edges[5] = Float.POSITIVE_INFINITY;
    edges[7] = Float.NEGATIVE_INFINITY;
    edges[8] = -0f;
    for (float[] x : new float[][] {normal, ties, edges}) {
      for (float keep :
          new float[] {0, 1, 2.7f, n / 10f, n / 2f, n / 2f + 1, n - 1, n, n + 5, -3}) {
        float[][] m = keepLargest(x, new long[] {3136, 128}, keep);
        int kept = 0;
        for (float v : m[0]) {
          kept += (int) v;
        }
        assertEquals((int) Math.max(0, Math.min(n, keep)), kept, "keep " + keep);
        assertArrayEquals(bits(m[1]), bits(m[0]), "keep " + keep);
      }
    }
    float[] small = {3f, -1f, 3f, 0f, -0f, 2f, 3f, 1e-40f};
    for (long[] shape : new long[][] {{8}, {2, 4}, {2, 2, 2}, {1, 2, 2, 2}}) {
      for (int keep = 0; keep <= small.length; keep++) {
        float[][] m = keepLargest(small, shape, keep);
        assertArrayEquals(bits(m[1]), bits(m[0]), "keep " + keep);
      }
    }
    assertArrayEquals(
        new float[] {1, 0, 1, 0, 0, 0, 0, 0},
        keepLargest(small, new long[] {8}, 2)[0],
        "ties to the lower index");
  }

  /** NaN, which TopK leaves unordered, counts as the largest value: a diverged run's mask. */
  @Test
  void keepLargestTakesNaNAsTheLargest() {
    assumeTrue(TfNativeKernels.available());
    float[] x = {1f, Float.NaN, 5f, -Float.NaN, 2f};
    assertArrayEquals(
        new float[] {0, 1, 1, 1, 0}, keepLargest(x, new long[] {5}, 3)[0], "NaN first, then 5");
  }

  @Test
  void perTensorMatchesTheChainBitForBit() {
    assumeTrue(TfNativeKernels.available());
    // 300 K values: the kernel splits them over threads
    float[] x = values(300_000, 7);
    for (int n : new int[] {2, 4, 8, 16, 24}) {
      for (float d : new float[] {-3, 0, 2, 5, 12, 19}) {
        float[][] r = both(x, new long[] {1000, 300}, new float[] {d}, new long[0], n);
        assertArrayEquals(bits(r[1]), bits(r[0]), "N=" + n + " d=" + d);
      }
    }
  }

  /** Rounding half to even in jqp's kernel gives the bits of TensorFlow's fused kernel. */
  @Test
  void halfEvenMatchesTensorFlowsKernelsBitForBit() {
    assumeTrue(TfNativeKernels.available());
    float[] x = values(300_000, 13);
    for (int n : new int[] {2, 4, 8, 16, 24}) {
      for (float d : new float[] {-3, 0, 2, 5, 12, 19}) {
        float[][] r = both(x, new long[] {1000, 300}, new float[] {d}, new long[0], n, false);
        assertArrayEquals(bits(r[1]), bits(r[0]), "N=" + n + " d=" + d);
      }
    }
    float[] xc = values(4 * 5 * 6 * 8, 17);
    float[] dc = {0, 1, 2, 3, 5, 8, -1, 12};
    float[][] r = both(xc, new long[] {4, 5, 6, 8}, dc, new long[] {8}, 8, false);
    assertArrayEquals(bits(r[1]), bits(r[0]), "per channel");
  }

  @Test
  void perChannelMatchesTheChainBitForBit() {
    assumeTrue(TfNativeKernels.available());
    float[] x = values(4 * 5 * 6 * 8, 11);
    float[] d = {0, 1, 2, 3, 5, 8, -1, 12};
    for (long[] dShape : new long[][] {{8}, {1, 1, 1, 8}}) {
      float[][] r = both(x, new long[] {4, 5, 6, 8}, d, dShape, 8);
      assertArrayEquals(bits(r[1]), bits(r[0]), "d shape " + java.util.Arrays.toString(dShape));
    }
  }

  /** SPEC §1's vectors, with the kernel. */
  @Test
  void specVectors() {
    assumeTrue(TfNativeKernels.available());
    float[] x = {-5, -4.01f, -0.04f, -0.03f, 0, 0.03f, 0.99f, 1.99f, 3.97f, 5};
    assertArrayEquals(
        new float[] {-4, -4, -0.03125f, 0, 0, 0, 0.96875f, 1.96875f, 3.96875f, 3.96875f},
        both(x, new long[] {10}, new float[] {5}, new long[0], 8)[0]);
    assertArrayEquals(
        new float[] {-2, -2, 0, 0, 0, 0, 0.75f, 1.75f, 1.75f, 1.75f},
        both(x, new long[] {10}, new float[] {2}, new long[0], 4)[0]);
  }

  /** Where the kernel does not apply, the chain is built. */
  @Test
  void appliesToScalarsAndLastAxisChannelsOnly() {
    assertTrue(TfFixedPoint.kernelApplies(new long[] {-1, 28, 28, 16}, new long[0], 8));
    assertTrue(TfFixedPoint.kernelApplies(new long[] {3, 3, 4, 16}, new long[] {16}, 8));
    assertTrue(TfFixedPoint.kernelApplies(new long[] {3, 3, 4, 16}, new long[] {1, 1, 1, 16}, 8));
    assertFalse(TfFixedPoint.kernelApplies(new long[] {3, 3, 4, 16}, new long[] {4, 1}, 8));
    assertFalse(TfFixedPoint.kernelApplies(new long[] {16}, new long[] {1, 16}, 8));
    assertFalse(TfFixedPoint.kernelApplies(new long[] {-1, 16}, new long[0], 25));
    assertFalse(TfFixedPoint.kernelApplies(null, new long[] {16}, 8));
  }

  /** The straight-through gradient reaches x as the chain's does (clipped to the range). */
  @Test
  void gradientIsTheStraightThroughOne() {
    assumeTrue(TfNativeKernels.available());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      TfGraphOps ops = new TfGraphOps(tf, g);
      Operand<TFloat32> x = tf.constant(new float[] {-9, -1, 0.3f, 2, 9});
      Tensor q =
          ops.fixedPoint(
              new TfTensor(x), ops.constant(5), 8, true, GraphOps.StraightThrough.ZERO_SATURATED);
      assertTrue(hasOp(g, "JqpQuant"));
      Operand<TFloat32> loss = tf.sum(TfTensor.of(q), tf.constant(0));
      org.tensorflow.Output<?>[] grad =
          g.addGradients(loss.asOutput(), new org.tensorflow.Output<?>[] {x.asOutput()});
      try (Session s = new Session(g);
          Result r = s.runner().fetch(grad[0]).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        float[] v = new float[5];
        t.asRawTensor().data().asFloats().read(v);
        assertArrayEquals(new float[] {0, 1, 1, 1, 0}, v);
      }
    }
  }

  /** A per-channel scale that does not fit x's last axis is refused by the kernel, by name. */
  @Test
  void refusesAMismatchedChannelScale() {
    assumeTrue(TfNativeKernels.available());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
      Operand<TFloat32> s = tf.constant(new float[] {1, 2});
      Operand<TFloat32> q = TfNativeKernels.quant(tf, x, s, s, -128, 127, false, false);
      assertTrue(q != null);
      try (Session session = new Session(g)) {
        RuntimeException e =
            assertThrows(RuntimeException.class, () -> session.runner().fetch(q).run().close());
        assertTrue(e.getMessage().contains("JqpQuant"), e.getMessage());
      }
    }
  }

  /**
   * A bad jqp.native is a one-line error naming the property, not a failed class initialisation.
   */
  @Test
  void anUnknownSettingIsAnErrorNamingTheProperty() {
    String old = System.getProperty(TfNativeKernels.PROPERTY);
    System.setProperty(TfNativeKernels.PROPERTY, "yes");
    try {
      io.jqp.api.JqpException e =
          assertThrows(io.jqp.api.JqpException.class, TfNativeKernels::available);
      assertTrue(e.getMessage().contains("jqp.native must be true, false or auto"), e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(TfNativeKernels.PROPERTY);
      } else {
        System.setProperty(TfNativeKernels.PROPERTY, old);
      }
    }
  }
}
