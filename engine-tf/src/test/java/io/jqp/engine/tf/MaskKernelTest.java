package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jqp.api.Tensor;
import java.util.Arrays;
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
 * A pruning mask where no quantizer acts (a pruning phase before quantization starts): the mask,
 * and the ReLU after an activation site, are jqp's one kernel ({@code JqpMask}), their gradient the
 * clip's kernel with unbounded clip. Against TensorFlow's Mul (and Relu, ReluGrad): the same bits,
 * except that the ReLU's −0 is +0 (TensorFlow's Relu keeps −0 in its scalar tail only, {@link
 * KernelFusionTest#tensorFlowsReluKeepsTheSignOfZeroOnlyInItsTail}).
 */
class MaskKernelTest {
  private static final long[] SAMPLE = {6, 5, 8};
  private static final int BATCH = 600; // 144 K values: the kernel splits them over threads

  /** Normal samples; every 97th a subnormal, every 101st NaN, every 89th -0. */
  private static float[] values(int n, double scale, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] =
          i % 97 == 5
              ? (i % 2 == 0 ? 1e-40f : -3e-39f)
              : i % 101 == 7
                  ? (i % 2 == 0 ? Float.NaN : Float.intBitsToFloat(0xffc00000))
                  : i % 89 == 3 ? -0f : (float) (r.nextGaussian() * scale);
    }
    return v;
  }

  private static int count(long[] shape) {
    return (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
  }

  /**
   * {x·m or relu(x·m), its gradient to x}, with jqp's kernels or (with {@code chain}) TensorFlow's.
   */
  private static float[][] run(boolean chain, boolean relu, float[] mask, long[] maskShape) {
    long[] full = {BATCH, SAMPLE[0], SAMPLE[1], SAMPLE[2]};
    float[] x = values(count(full), 3, 5);
    float[] w = values(count(full), 40, 9);
    for (int i = 0; i < w.length; i++) {
      w[i] = Float.isNaN(w[i]) ? 1 : w[i]; // NaN reaches the gradient through x only
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      TfGraphOps ops = new TfGraphOps(tf, g);
      Operand<TFloat32> xp =
          tf.placeholder(
              TFloat32.class,
              org.tensorflow.op.core.Placeholder.shape(
                  Shape.of(-1, SAMPLE[0], SAMPLE[1], SAMPLE[2])));
      Tensor m = new TfTensor(tf.constant(Shape.of(maskShape), DataBuffers.of(mask)));
      TfNativeKernels.offOnThisThread(chain);
      Operand<TFloat32> y;
      try {
        Tensor product = ops.mask(new TfTensor(xp), m);
        if (relu) {
          // as TfNetwork.relu builds it
          Operand<TFloat32> fused = ops.reluOfQuantized(TfTensor.of(product));
          assertEquals(chain, fused == null, "fused");
          y = fused != null ? fused : tf.nn.relu(TfTensor.of(product));
        } else {
          y = TfTensor.of(product);
        }
      } finally {
        TfNativeKernels.offOnThisThread(false);
      }
      Operand<TFloat32> loss =
          tf.sum(
              tf.math.mul(y, tf.constant(Shape.of(full), DataBuffers.of(w))),
              tf.constant(new int[] {0, 1, 2, 3}));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {xp.asOutput()});
      for (String op : new String[] {"JqpMask", relu ? "JqpClipReluGrad" : "JqpClipMaskGrad"}) {
        assertEquals(!chain, NativeKernelsTest.hasOp(g, op), op);
      }
      assertEquals(chain && relu, NativeKernelsTest.hasOp(g, "ReluGrad"), "ReluGrad");
      try (Session s = new Session(g);
          TFloat32 feed = TFloat32.tensorOf(Shape.of(full), DataBuffers.of(x));
          Result r = s.runner().feed(xp, feed).fetch(y).fetch(grad[0]).run()) {
        float[][] out = new float[2][x.length];
        ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(out[0]);
        ((TFloat32) r.get(1)).asRawTensor().data().asFloats().read(out[1]);
        return out;
      }
    }
  }

  private static void assertSame(float[] mask, long[] maskShape, String what) {
    float[][] fused = run(false, false, mask, maskShape);
    float[][] chain = run(true, false, mask, maskShape);
    assertArrayEquals(
        NativeKernelsTest.bits(chain[0]), NativeKernelsTest.bits(fused[0]), "x·m, " + what);
    assertArrayEquals(
        NativeKernelsTest.bits(chain[1]),
        NativeKernelsTest.bits(fused[1]),
        "x·m's gradient, " + what);
    fused = run(false, true, mask, maskShape);
    chain = run(true, true, mask, maskShape);
    NativeKernelsTest.assertSameReluOutput(chain[0], fused[0], "forward, " + what);
    assertArrayEquals(
        NativeKernelsTest.bits(chain[1]), NativeKernelsTest.bits(fused[1]), "gradient, " + what);
  }

  @Test
  void aMaskAndAReluMatchTensorFlowsKernels() {
    assumeTrue(TfNativeKernels.available());
    Random r = new Random(3);
    float[] sample = new float[count(SAMPLE)];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = r.nextBoolean() ? 1 : 0;
    }
    assertSame(sample, SAMPLE, "a mask per sample position");
    assertSame(new float[] {1, 0, 0, 1, 1, 1, 0, 1}, new long[] {1, 1, 8}, "a channel mask");
    float[] rows = new float[40];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i % 3 == 0 ? 0 : 1;
    }
    assertSame(rows, new long[] {5, 8}, "a mask over the last two axes");
    float[] any = values(count(SAMPLE), 1.7, 21);
    assertSame(any, SAMPLE, "mask values other than 0 and 1");
  }

  @Test
  void nanStaysNanAndNegativesGiveZero() {
    assumeTrue(TfNativeKernels.available());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      float[] x = {-2f, -0f, 1e-40f, 3f, Float.NaN, Float.intBitsToFloat(0xffc00000), -1f, 5f};
      float[] m = {1, 1, 1, 1, 1, 1, 0, 0};
      Operand<TFloat32> y = TfNativeKernels.mask(tf, tf.constant(x), tf.constant(m), true);
      try (Session s = new Session(g);
          TFloat32 out = (TFloat32) s.runner().fetch(y).run().get(0)) {
        float[] v = new float[x.length];
        out.asRawTensor().data().asFloats().read(v);
        assertArrayEquals(
            new int[] {0, 0, 0, Float.floatToRawIntBits(3f)},
            Arrays.copyOf(NativeKernelsTest.bits(v), 4));
        assertTrue(Float.isNaN(v[4]) && Float.isNaN(v[5]), Arrays.toString(v));
        assertArrayEquals(new int[] {0, 0}, Arrays.copyOfRange(NativeKernelsTest.bits(v), 6, 8));
      }
    }
  }

  @Test
  void refusesAMaskThatDoesNotFit() {
    assumeTrue(TfNativeKernels.available());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> y =
          TfNativeKernels.mask(
              tf,
              tf.constant(new float[][] {{1, 2, 3}, {4, 5, 6}}),
              tf.constant(new float[] {1, 0}),
              false);
      try (Session s = new Session(g)) {
        RuntimeException e =
            assertThrows(RuntimeException.class, () -> s.runner().fetch(y).run().close());
        assertTrue(e.getMessage().contains("JqpMask: the mask"), e.getMessage());
      }
    }
  }
}
