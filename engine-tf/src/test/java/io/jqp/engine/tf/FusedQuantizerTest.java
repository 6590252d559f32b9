package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.GraphOps;
import io.jqp.api.Pruner;
import io.jqp.api.SiteKind;
import io.jqp.api.Tensor;
import io.jqp.plugins.FixedPoint;
import io.jqp.plugins.FixedPointQuantizer;
import io.jqp.plugins.Quantizers;
import io.jqp.plugins.Rounding;
import io.jqp.plugins.SteGradient;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.op.Ops;

/**
 * The fused fixed-point kernel (QuantizeAndDequantizeV4, rounding half to even) against SPEC §1's
 * host reference, bit for bit, on values built to be hard: ties at every half step, both ends of
 * the range and one float step either side, values far outside it, tiny and random values.
 */
class FusedQuantizerTest {

  static float[] hardValues(int bits, int d, long seed) {
    List<Float> v = new ArrayList<>();
    double step = Math.pow(2, -d);
    long lo = -(1L << (bits - 1));
    long hi = (1L << (bits - 1)) - 1;
    for (long k = lo - 3; k <= hi + 3; k += Math.max(1, (hi - lo) / 300)) {
      float tie = (float) ((k + 0.5) * step);
      float whole = (float) (k * step);
      v.add(tie);
      v.add(Math.nextUp(tie));
      v.add(Math.nextDown(tie));
      v.add(whole);
      v.add(Math.nextUp(whole));
      v.add(Math.nextDown(whole));
    }
    for (double edge : new double[] {lo * step, hi * step, (hi + 0.5) * step, (lo - 0.5) * step}) {
      v.add((float) edge);
      v.add(Math.nextUp((float) edge));
      v.add(Math.nextDown((float) edge));
    }
    Random r = new Random(seed);
    for (int i = 0; i < 2000; i++) {
      v.add((float) (r.nextGaussian() * step * (1L << (bits - 1)) * 1.5));
      v.add((float) (r.nextGaussian() * step * 1e-3));
    }
    v.add(0f);
    v.add(-0f);
    v.add(1e30f);
    v.add(-1e30f);
    float[] a = new float[v.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = v.get(i);
    }
    return a;
  }

  @Test
  void forwardIsExactAgainstTheReference() {
    int checked = 0;
    for (int bits : new int[] {2, 3, 4, 8, 12, 16}) {
      for (int d : new int[] {-3, 0, 2, 5, 9, 14}) {
        float[] x = hardValues(bits, d, 31L * bits + d);
        FixedPointQuantizer q =
            Quantizers.fixed(bits).withFractionalBits(d).withRounding(Rounding.HALF_EVEN);
        try (TfStrategyHarness h =
            new TfStrategyHarness(SiteKind.WEIGHT, new long[] {x.length}, q, Pruner.none())) {
          float[] y = h.forward(x);
          for (int i = 0; i < x.length; i++) {
            float want = (float) FixedPoint.quantize(x[i], bits, d, Rounding.HALF_EVEN);
            assertEquals(want, y[i], 0f, "Q(" + x[i] + "; " + bits + ", " + d + ")");
            checked++;
          }
        }
      }
    }
    assertTrue(checked > 100_000, "checked " + checked);
  }

  @Test
  void perChannelForwardIsExact() {
    float[] x = hardValues(8, 4, 7);
    int n = x.length - x.length % 4;
    float[] w = java.util.Arrays.copyOf(x, n);
    FixedPointQuantizer q =
        Quantizers.fixed(8)
            .withFractionalBits(4)
            .withRounding(Rounding.HALF_EVEN)
            .withPerChannel(true);
    try (TfStrategyHarness h =
        new TfStrategyHarness(SiteKind.WEIGHT, new long[] {n / 4, 4}, q, Pruner.none())) {
      float[] y = h.forward(w);
      for (int i = 0; i < n; i++) {
        assertEquals((float) FixedPoint.quantize(w[i], 8, 4, Rounding.HALF_EVEN), y[i], 0f);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(SteGradient.class)
  void gradientsFollowTheVariant(SteGradient variant) {
    float[] x = hardValues(8, 5, 3);
    float[] up = new float[x.length];
    Random r = new Random(5);
    for (int i = 0; i < up.length; i++) {
      up[i] = (float) (r.nextGaussian() * 10);
    }
    FixedPointQuantizer q =
        Quantizers.fixed(8)
            .withFractionalBits(5)
            .withRounding(Rounding.HALF_EVEN)
            .withGradient(variant);
    try (TfStrategyHarness h =
        new TfStrategyHarness(SiteKind.WEIGHT, new long[] {x.length}, q, Pruner.none())) {
      float[] g = h.gradient(x, up);
      for (int i = 0; i < x.length; i++) {
        assertEquals(
            (float) FixedPoint.gradient(up[i], x[i], 8, 5, variant), g[i], 0f, "at x=" + x[i]);
      }
    }
  }

  /** With TensorFlow's kernels only (jqp's off: {@code NativeKernelsTest} covers those). */
  @Test
  void halfEvenIsOneFusedKernelAndTruncationTheComposition() {
    TfNativeKernels.offOnThisThread(true);
    try {
      assertEquals(Set.of("QuantizeAndDequantizeV4"), quantizerKernels(false, false));
      assertEquals(Set.of(), quantizerKernels(true, false));
      assertEquals(Set.of(), quantizerKernels(false, true), "per channel: the composition");
    } finally {
      TfNativeKernels.offOnThisThread(false);
    }
  }

  private static Set<String> quantizerKernels(boolean towardZero, boolean perChannel) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      TfGraphOps ops = new TfGraphOps(tf, g);
      Tensor x =
          new TfTensor(
              tf.placeholder(
                  org.tensorflow.types.TFloat32.class,
                  org.tensorflow.op.core.Placeholder.shape(org.tensorflow.ndarray.Shape.of(4, 3))));
      ops.fixedPoint(
          x,
          perChannel ? ops.fill(3, 3) : ops.constant(3),
          8,
          towardZero,
          GraphOps.StraightThrough.CLIPPED);
      Set<String> types = new TreeSet<>();
      g.operations()
          .forEachRemaining(
              o -> {
                String t = ((GraphOperation) o).type();
                if (t.startsWith("QuantizeAndDequantize")) {
                  types.add(t);
                }
              });
      return types;
    }
  }
}
