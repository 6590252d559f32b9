package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jqp.api.GraphOps.StraightThrough;
import io.jqp.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A pruning mask inside jqp's truncating quantizer kernel ({@link TfKernelFusion}): prune then
 * quantize and quantize then prune give the bits of TensorFlow's mask multiply and the quantizer's
 * chain, forward and in the straight-through gradient to x, for whole-sample and channel masks,
 * per-tensor and per-channel d (a ReLU after Q(x)·m up to the sign of zero).
 */
class KernelFusionTest {
  private static final long[] SAMPLE = {6, 5, 8};
  private static final int BATCH = 600; // 144 K values: the kernels split them over threads

  /**
   * Normal samples, every 97th a subnormal: TensorFlow's threads flush those to zero, and the
   * kernels' worker threads must compute as they do.
   */
  private static float[] gaussian(int n, double scale, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i % 97 == 5 ? (i % 2 == 0 ? 1e-40f : -3e-39f) : (float) (r.nextGaussian() * scale);
    }
    return v;
  }

  private static float[] zeroOne(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextBoolean() ? 1 : 0;
    }
    return v;
  }

  private static int count(long[] shape) {
    return (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
  }

  /**
   * {forward, gradient to x} of Q(x·m) ({@code maskFirst}) or Q(x)·m, with jqp's kernels or (with
   * {@code chain}) TensorFlow's, on a batch fed through a placeholder of unknown batch size; the
   * loss weights q by large values so the clipped gradient saturates.
   */
  private static float[][] run(
      boolean chain,
      boolean maskFirst,
      boolean relu,
      boolean towardZero,
      float[] mask,
      long[] maskShape,
      float[] d,
      long[] dShape,
      StraightThrough gradient,
      String... expectOps) {
    long[] full = {BATCH, SAMPLE[0], SAMPLE[1], SAMPLE[2]};
    float[] x = gaussian(count(full), 3, 5);
    float[] w = gaussian(count(full), 40, 9);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      TfGraphOps ops = new TfGraphOps(tf, g);
      Operand<TFloat32> xp =
          tf.placeholder(
              TFloat32.class,
              org.tensorflow.op.core.Placeholder.shape(
                  Shape.of(-1, SAMPLE[0], SAMPLE[1], SAMPLE[2])));
      Tensor xt = new TfTensor(xp);
      Tensor m = new TfTensor(tf.constant(Shape.of(maskShape), DataBuffers.of(mask)));
      Tensor dd = new TfTensor(tf.constant(Shape.of(dShape), DataBuffers.of(d)));
      TfNativeKernels.offOnThisThread(chain);
      Tensor y;
      try {
        y =
            maskFirst
                ? ops.fixedPoint(ops.mask(xt, m), dd, 8, towardZero, gradient)
                : ops.mask(ops.fixedPoint(xt, dd, 8, towardZero, gradient), m);
        if (relu) {
          // as TfNetwork.relu builds it
          Operand<TFloat32> fused = ops.reluOfQuantized(TfTensor.of(y));
          y = new TfTensor(fused != null ? fused : tf.nn.relu(TfTensor.of(y)));
        }
      } finally {
        TfNativeKernels.offOnThisThread(false);
      }
      Operand<TFloat32> wc = tf.constant(Shape.of(full), DataBuffers.of(w));
      Operand<TFloat32> loss =
          tf.sum(tf.math.mul(TfTensor.of(y), wc), tf.constant(new int[] {0, 1, 2, 3}));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {xp.asOutput()});
      for (String op : expectOps) {
        assertEquals(
            !chain,
            NativeKernelsTest.hasOp(g, op),
            op + (chain ? " built with the chain" : " missing"));
      }
      try (Session s = new Session(g);
          org.tensorflow.types.TFloat32 feed =
              TFloat32.tensorOf(Shape.of(full), DataBuffers.of(x));
          Result r = s.runner().feed(xp, feed).fetch(TfTensor.of(y)).fetch(grad[0]).run()) {
        float[][] out = new float[2][x.length];
        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(out[0]);
        ((TFloat32) r.get(1)).asRawTensor().data().asFloats().read(out[1]);
        return out;
      }
    }
  }

  private static void assertSameBits(
      boolean maskFirst,
      boolean relu,
      boolean towardZero,
      float[] mask,
      long[] maskShape,
      float[] d,
      long[] dShape,
      StraightThrough gradient,
      String... expectOps) {
    float[][] fused =
        run(false, maskFirst, relu, towardZero, mask, maskShape, d, dShape, gradient, expectOps);
    float[][] chain =
        run(true, maskFirst, relu, towardZero, mask, maskShape, d, dShape, gradient, expectOps);
    String what =
        (towardZero ? "" : "half-even ")
            + (relu ? "relu " : "")
            + (maskFirst ? "Q(x·m)" : "Q(x)·m")
            + " mask "
            + Arrays.toString(maskShape)
            + " d "
            + Arrays.toString(dShape)
            + " "
            + gradient;
    if (relu && !maskFirst) {
      // relu(Q(x)·m): TensorFlow's Relu keeps the product's −0 in its scalar tail, the kernel not
      NativeKernelsTest.assertSameReluOutput(chain[0], fused[0], "forward, " + what);
    } else {
      assertArrayEquals(
          NativeKernelsTest.bits(chain[0]), NativeKernelsTest.bits(fused[0]), "forward, " + what);
    }
    assertArrayEquals(
        NativeKernelsTest.bits(chain[1]), NativeKernelsTest.bits(fused[1]), "gradient, " + what);
  }

  @Test
  void pruneThenQuantizeMatchesTheChainBitForBit() {
    assumeTrue(TfNativeKernels.available());
    for (boolean maskFirst : new boolean[] {true, false}) {
      float[] sample = zeroOne(count(SAMPLE), 3);
      assertSameBits(
          maskFirst,
          false,
          true,
          sample,
          SAMPLE,
          new float[] {4},
          new long[0],
          StraightThrough.CLIPPED,
          "JqpMaskedQuant",
          "JqpClipMaskGrad");
      float[] channels = zeroOne(8, 4);
      assertSameBits(
          maskFirst,
          false,
          true,
          channels,
          new long[] {1, 1, 8},
          new float[] {4},
          new long[0],
          StraightThrough.CLIPPED,
          "JqpMaskedQuant",
          "JqpClipMaskGrad");
      // per-channel d: the forward pass is fused, the gradient is TensorFlow's min/max and multiply
      assertSameBits(
          maskFirst,
          false,
          true,
          sample,
          SAMPLE,
          new float[] {0, 1, 2, 3, 4, 5, 6, 7},
          new long[] {8},
          StraightThrough.CLIPPED,
          "JqpMaskedQuant");
      assertSameBits(
          maskFirst,
          false,
          true,
          channels,
          new long[] {8},
          new float[] {4},
          new long[0],
          StraightThrough.IDENTITY,
          "JqpMaskedQuant");
    }
  }

  /**
   * A ReLU after the quantizer (where the activation site is) is computed in its kernel, and its
   * gradient in the clip's, with TensorFlow's bits; after Q(x)·m it stays TensorFlow's Relu.
   */
  @Test
  void aReluAfterTheQuantizerMatchesTheChainBitForBit() {
    assumeTrue(TfNativeKernels.available());
    float[] sample = zeroOne(count(SAMPLE), 3);
    assertSameBits(
        true,
        true,
        true,
        sample,
        SAMPLE,
        new float[] {4},
        new long[0],
        StraightThrough.CLIPPED,
        "JqpMaskedQuant",
        "JqpClipReluGrad");
    assertSameBits(
        true,
        true,
        true,
        zeroOne(8, 4),
        new long[] {1, 1, 8},
        new float[] {3},
        new long[0],
        StraightThrough.CLIPPED,
        "JqpMaskedQuant",
        "JqpClipReluGrad");
    // Q(x)·m then ReLU: the same, with the gradient's clip after the mask's multiply
    assertSameBits(
        false,
        true,
        true,
        sample,
        SAMPLE,
        new float[] {4},
        new long[0],
        StraightThrough.CLIPPED,
        "JqpMaskedQuant",
        "JqpClipReluGrad");
    assertSameBits(
        false,
        true,
        true,
        zeroOne(8, 4),
        new long[] {1, 1, 8},
        new float[] {3},
        new long[0],
        StraightThrough.CLIPPED,
        "JqpMaskedQuant",
        "JqpClipReluGrad");
  }

  /** Rounding half to even: the same fusions, TensorFlow's fused kernel's bits. */
  @Test
  void halfEvenRoundingFusesTheSame() {
    assumeTrue(TfNativeKernels.available());
    float[] sample = zeroOne(count(SAMPLE), 3);
    for (boolean relu : new boolean[] {false, true}) {
      assertSameBits(
          true,
          relu,
          false,
          sample,
          SAMPLE,
          new float[] {4},
          new long[0],
          StraightThrough.CLIPPED,
          "JqpMaskedQuant",
          relu ? "JqpClipReluGrad" : "JqpClipMaskGrad");
    }
    assertSameBits(
        false,
        false,
        false,
        zeroOne(8, 4),
        new long[] {1, 1, 8},
        new float[] {3},
        new long[0],
        StraightThrough.CLIPPED,
        "JqpMaskedQuant",
        "JqpClipMaskGrad");
  }

  /**
   * Why a fused ReLU after a mask (relu(Q(x)·m), relu(x·m)) is compared with TensorFlow's up to the
   * sign of zero: the product is −0 where x is negative and m is 0, and TensorFlow's Relu maps −0
   * to +0 in its vectorized body but keeps it in its scalar tail (whose place depends on how it
   * splits the work), so no one kernel gives its bits; jqp's kernels give +0. −0 and +0 are the
   * same value to everything after a ReLU (pooling, convolution, the gradients). If this starts to
   * fail, TensorFlow became consistent, and the tests can compare every bit.
   */
  @Test
  void tensorFlowsReluKeepsTheSignOfZeroOnlyInItsTail() {
    int n = 100_003;
    float[] v = new float[n];
    Arrays.fill(v, -0f);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> p = tf.placeholder(TFloat32.class);
      Operand<TFloat32> y = tf.nn.relu(p);
      try (Session s = new Session(g);
          TFloat32 in = TFloat32.tensorOf(Shape.of(n), DataBuffers.of(v));
          Result r = s.runner().feed(p, in).fetch(y).run()) {
        float[] out = new float[n];
        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(out);
        int negative = 0;
        for (float f : out) {
          negative += Float.floatToRawIntBits(f) != 0 ? 1 : 0;
        }
        assertTrue(negative > 0 && negative < n, negative + " of " + n + " stayed -0");
      }
    }
  }

  /** Without a mask, Q and the ReLU after it are one kernel, their gradients another. */
  @Test
  void aReluAfterAnUnmaskedQuantizerMatchesTheChainBitForBit() {
    assumeTrue(TfNativeKernels.available());
    for (float d : new float[] {0, 4, 7}) {
      float[][] fused = runUnmasked(false, d);
      float[][] chain = runUnmasked(true, d);
      assertArrayEquals(
          NativeKernelsTest.bits(chain[0]), NativeKernelsTest.bits(fused[0]), "forward d=" + d);
      assertArrayEquals(
          NativeKernelsTest.bits(chain[1]), NativeKernelsTest.bits(fused[1]), "gradient d=" + d);
    }
  }

  /**
   * The kernels' parts on jqp's own pool of threads and on TensorFlow's intra-op threads (the
   * default): the same bits, forward and gradient.
   */
  @Test
  void bothThreadPoolsGiveTheSameBits() {
    assumeTrue(TfNativeKernels.available());
    for (float d : new float[] {0, 5}) {
      float[][] tfThreads = runUnmasked(false, d);
      float[][] own = TfNativeKernels.ownPoolDuring(true, () -> runUnmasked(false, d));
      assertArrayEquals(
          NativeKernelsTest.bits(tfThreads[0]), NativeKernelsTest.bits(own[0]), "forward d=" + d);
      assertArrayEquals(
          NativeKernelsTest.bits(tfThreads[1]), NativeKernelsTest.bits(own[1]), "gradient d=" + d);
    }
  }

  /**
   * Kernels of several sessions at once (a GAN's two networks, a sweep's runs in one process) share
   * TensorFlow's intra-op threads: each call's parts stay its own, the same bits as one at a time.
   */
  @Test
  void kernelsOfSeveralSessionsAtOnceGiveTheSameBits() throws Exception {
    assumeTrue(TfNativeKernels.available());
    float[][] alone = runUnmasked(false, 3);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      List<java.util.concurrent.Future<float[][]>> runs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        runs.add(pool.submit(() -> runUnmasked(false, 3)));
      }
      for (java.util.concurrent.Future<float[][]> f : runs) {
        float[][] r = f.get();
        assertArrayEquals(NativeKernelsTest.bits(alone[0]), NativeKernelsTest.bits(r[0]));
        assertArrayEquals(NativeKernelsTest.bits(alone[1]), NativeKernelsTest.bits(r[1]));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static float[][] runUnmasked(boolean chain, float d) {
    long[] full = {BATCH, SAMPLE[0], SAMPLE[1], SAMPLE[2]};
    float[] x = gaussian(count(full), 3, 15);
    float[] w = gaussian(count(full), 40, 19);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      TfGraphOps ops = new TfGraphOps(tf, g);
      Operand<TFloat32> xc = tf.constant(Shape.of(full), DataBuffers.of(x));
      TfNativeKernels.offOnThisThread(chain);
      Operand<TFloat32> y;
      try {
        Tensor q =
            ops.fixedPoint(new TfTensor(xc), ops.constant(d), 8, true, StraightThrough.CLIPPED);
        Operand<TFloat32> fused = ops.reluOfQuantized(TfTensor.of(q));
        assertEquals(chain, fused == null);
        y = fused != null ? fused : tf.nn.relu(TfTensor.of(q));
      } finally {
        TfNativeKernels.offOnThisThread(false);
      }
      assertEquals(!chain, NativeKernelsTest.hasOp(g, "JqpQuant"));
      Operand<TFloat32> loss =
          tf.sum(
              tf.math.mul(y, tf.constant(Shape.of(full), DataBuffers.of(w))),
              tf.constant(new int[] {0, 1, 2, 3}));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {xc.asOutput()});
      assertEquals(!chain, NativeKernelsTest.hasOp(g, "JqpClipReluGrad"));
      try (Session s = new Session(g);
          Result r = s.runner().fetch(y).fetch(grad[0]).run()) {
        float[][] out = new float[2][x.length];
        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(out[0]);
        ((TFloat32) r.get(1)).asRawTensor().data().asFloats().read(out[1]);
        return out;
      }
    }
  }

  /**
   * Subnormal gradients fed straight into the gradient kernels come out as TensorFlow's kernels
   * give them (its threads flush subnormals to zero; the kernels' worker threads must too).
   */
  @Test
  void subnormalGradientsFlushAsInTensorFlow() {
    assumeTrue(TfNativeKernels.available());
    int n = 300_000;
    float[] g = new float[n];
    float[] y = gaussian(n, 1, 31);
    for (int i = 0; i < n; i++) {
      g[i] = i % 3 == 0 ? 1e-40f : i % 3 == 1 ? -2e-39f : 0.5f;
    }
    float[] m = zeroOne(1000, 33);
    try (Graph gr = new Graph()) {
      Ops tf = Ops.create(gr);
      Operand<TFloat32> gp =
          tf.placeholder(
              TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(300, 1000)));
      Operand<TFloat32> yc = tf.constant(Shape.of(300, 1000), DataBuffers.of(y));
      Operand<TFloat32> mc = tf.constant(m);
      Operand<TFloat32> lo = tf.constant(-4f);
      Operand<TFloat32> hi = tf.constant(3.5f);
      Operand<TFloat32> one = tf.constant(1f);
      @SuppressWarnings("unchecked")
      Operand<TFloat32>[] pairs =
          new Operand[] {
            TfNativeKernels.clipMaskGrad(tf, gp, mc, lo, hi, true),
            tf.math.mul(tf.clipByValue(gp, lo, hi), mc),
            TfNativeKernels.clipMaskGrad(tf, gp, mc, lo, hi, false),
            tf.clipByValue(tf.math.mul(gp, mc), lo, hi),
            TfNativeKernels.clipReluGrad(tf, gp, yc, one, lo, hi, true),
            tf.clipByValue(tf.nn.reluGrad(gp, yc), lo, hi)
          };
      try (Session s = new Session(gr);
          TFloat32 feed = TFloat32.tensorOf(Shape.of(300, 1000), DataBuffers.of(g))) {
        for (int k = 0; k < pairs.length; k += 2) {
          try (Result r = s.runner().feed(gp, feed).fetch(pairs[k]).fetch(pairs[k + 1]).run()) {
            float[] fused = new float[n];
            float[] chain = new float[n];
            ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(fused);
            ((TFloat32) r.get(1)).asRawTensor().data().asFloats().read(chain);
            assertArrayEquals(
                NativeKernelsTest.bits(chain), NativeKernelsTest.bits(fused), "pair " + k / 2);
          }
        }
      }
    }
  }

  /**
   * The ReLU's gradient may write into y's buffer (the forward output, read by nothing else in the
   * run): every value is still the chain's, over several threads' parts.
   */
  @Test
  void reluGradientInTheForwardOutputsBufferGivesTheChainsValues() {
    assumeTrue(TfNativeKernels.available());
    int n = 600_000;
    float[] g = gaussian(n, 2, 41);
    float[] y = gaussian(n, 1, 43);
    try (Graph gr = new Graph()) {
      Ops tf = Ops.create(gr);
      Operand<TFloat32> gp =
          tf.placeholder(
              TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(600, 1000)));
      Operand<TFloat32> yp =
          tf.placeholder(
              TFloat32.class, org.tensorflow.op.core.Placeholder.shape(Shape.of(600, 1000)));
      Operand<TFloat32> lo = tf.constant(-1.5f);
      Operand<TFloat32> hi = tf.constant(1.25f);
      // g is fed (its buffer stays the caller's); y is made in the run by a ReLU whose only
      // reader is the kernel, so the output can take y's buffer
      Operand<TFloat32> fused =
          TfNativeKernels.clipReluGrad(tf, gp, tf.nn.relu(yp), tf.constant(1f), lo, hi, true);
      Operand<TFloat32> chain = tf.clipByValue(tf.nn.reluGrad(gp, tf.nn.relu(yp)), lo, hi);
      try (Session s = new Session(gr);
          TFloat32 feed = TFloat32.tensorOf(Shape.of(600, 1000), DataBuffers.of(g));
          TFloat32 yFeed = TFloat32.tensorOf(Shape.of(600, 1000), DataBuffers.of(y));
          Result a = s.runner().feed(gp, feed).feed(yp, yFeed).fetch(fused).run();
          Result b = s.runner().feed(gp, feed).feed(yp, yFeed).fetch(chain).run()) {
        float[] one = new float[n];
        float[] two = new float[n];
        ((TFloat32) a.get(0)).asRawTensor().data().asFloats().read(one);
        ((TFloat32) b.get(0)).asRawTensor().data().asFloats().read(two);
        assertArrayEquals(NativeKernelsTest.bits(two), NativeKernelsTest.bits(one));
      }
    }
  }

  /** The kernels multiply as TensorFlow does, also for values other than 0 and 1. */
  @Test
  void anyMaskValuesGiveTheChainsProducts() {
    assumeTrue(TfNativeKernels.available());
    float[] mask = gaussian(count(SAMPLE), 1.7, 21);
    for (boolean maskFirst : new boolean[] {true, false}) {
      assertSameBits(
          maskFirst,
          false,
          true,
          mask,
          SAMPLE,
          new float[] {5},
          new long[0],
          StraightThrough.CLIPPED,
          "JqpMaskedQuant",
          "JqpClipMaskGrad");
    }
  }

  /**
   * A gradient that reads x (zero where saturated) keeps the mask multiply and the chain's node.
   */
  @Test
  void aGradientZeroWhereSaturatedIsNotFused() {
    assumeTrue(TfNativeKernels.available());
    float[][] out =
        run(
            false,
            true,
            false,
            true,
            zeroOne(count(SAMPLE), 3),
            SAMPLE,
            new float[] {4},
            new long[0],
            StraightThrough.ZERO_SATURATED);
    float[][] chain =
        run(
            true,
            true,
            false,
            true,
            zeroOne(count(SAMPLE), 3),
            SAMPLE,
            new float[] {4},
            new long[0],
            StraightThrough.ZERO_SATURATED);
    assertArrayEquals(NativeKernelsTest.bits(chain[1]), NativeKernelsTest.bits(out[1]));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      TfGraphOps ops = new TfGraphOps(tf, g);
      Tensor x = new TfTensor(tf.constant(new float[][] {{1, 2}, {3, 4}}));
      Tensor m = new TfTensor(tf.constant(new float[] {1, 0}));
      ops.fixedPoint(ops.mask(x, m), ops.constant(3), 8, true, StraightThrough.ZERO_SATURATED);
      assertFalse(NativeKernelsTest.hasOp(g, "JqpMaskedQuant"));
      assertTrue(NativeKernelsTest.hasOp(g, "JqpQuant"));
    }
  }

  @Test
  void aMaskRepeatsAlongXsTrailingAxes() {
    assertTrue(TfKernelFusion.repeatsAlong(new long[] {-1, 6, 5, 8}, new long[] {6, 5, 8}));
    assertTrue(TfKernelFusion.repeatsAlong(new long[] {-1, 6, 5, 8}, new long[] {1, 1, 8}));
    assertTrue(TfKernelFusion.repeatsAlong(new long[] {3, 3, 4, 16}, new long[] {3, 3, 4, 16}));
    assertFalse(TfKernelFusion.repeatsAlong(new long[] {-1, 6, 5, 8}, new long[] {5, 1}));
    assertFalse(TfKernelFusion.repeatsAlong(new long[] {-1, 6, 5, 8}, new long[] {1}));
    assertFalse(TfKernelFusion.repeatsAlong(new long[] {-1, 6, 5, 8}, new long[] {7, 6, 5, 8}));
    assertFalse(TfKernelFusion.repeatsAlong(new long[] {-1, 8}, new long[] {-1, 8}));
    assertFalse(TfKernelFusion.repeatsAlong(null, new long[] {8}));
  }

  /** A mask that does not fit x is refused by the kernel, by name. */
  @Test
  void refusesAMaskThatDoesNotFit() {
    assumeTrue(TfNativeKernels.available());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}});
      Operand<TFloat32> m = tf.constant(new float[] {1, 0});
      Operand<TFloat32> one = tf.constant(1f);
      Operand<TFloat32> q =
          TfNativeKernels.maskedQuant(tf, x, m, one, one, -128, 127, false, true, false);
      assertTrue(q != null);
      try (Session session = new Session(g)) {
        RuntimeException e =
            assertThrows(RuntimeException.class, () -> session.runner().fetch(q).run().close());
        assertTrue(e.getMessage().contains("JqpMaskedQuant: the mask"), e.getMessage());
      }
    }
  }
}
