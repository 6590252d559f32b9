package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Explicit XLA scopes ({@link GraphOps#fused}): what is built in one carries the compilation
 * attributes, nothing else does, and the compiled quantizer and d* search give exactly what SPEC
 * §1–2 and the unfused ops give.
 */
@org.junit.jupiter.api.extension.ExtendWith(ChainOfKernels.class)
class FusedScopeTest {

  /** Counts [ops in a compilation scope, ops outside it] of one truncating quantizer's graph. */
  private static int[] scopedOps(boolean fuse) {
    return TfFusion.during(
        fuse,
        () -> {
          try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            TfGraphOps ops = new TfGraphOps(tf, g);
            Tensor x =
                new TfTensor(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3))));
            ops.fixedPoint(x, ops.constant(3), 8, true, GraphOps.StraightThrough.CLIPPED);
            int[] n = new int[2];
            g.operations()
                .forEachRemaining(
                    o -> {
                      GraphOperation op = (GraphOperation) o;
                      boolean scoped;
                      try {
                        scoped = op.attributes().getAttrBool("_XlaCompile");
                      } catch (RuntimeException absent) {
                        scoped = false;
                      }
                      if (op.type().equals(TfGradients.STRAIGHT_THROUGH_OP)) {
                        assertFalse(scoped, "the straight-through node is built outside the scope");
                      }
                      n[scoped ? 0 : 1]++;
                    });
            return n;
          }
        });
  }

  @Test
  void smallStaticTensorsAreNotCompiled() {
    assertTrue(TfFixedPoint.worthFusing(new long[] {-1, 28, 28, 32}), "a batch of activations");
    assertTrue(TfFixedPoint.worthFusing(new long[] {1024, 1024}), "a million weights");
    assertFalse(TfFixedPoint.worthFusing(new long[] {3136, 128}), "a 400k-weight kernel");
  }

  @Test
  void onlyTheQuantizerChainIsInTheScope() {
    int[] on = scopedOps(true);
    assertTrue(on[0] >= 5, "the chain's ops are scoped: " + on[0]);
    assertTrue(on[1] >= 2, "the placeholder and the gradient identity are not: " + on[1]);
    assertEquals(0, scopedOps(false)[0], "jqp.fuse=false builds plain ops");
  }

  @Test
  void compiledTruncationIsExactAndSoIsItsGradient() {
    TfFusion.during(
        true,
        () -> {
          checkTruncation();
          return null;
        });
  }

  private static void checkTruncation() {
    for (int bits : new int[] {2, 4, 8, 16}) {
      for (int d : new int[] {-2, 0, 5, 11}) {
        float[] x = FusedQuantizerTest.hardValues(bits, d, 17L * bits + d);
        float[] up = new float[x.length];
        Random r = new Random(bits + d);
        for (int i = 0; i < up.length; i++) {
          up[i] = (float) (r.nextGaussian() * 100);
        }
        FixedPointQuantizer q = Quantizers.fixed(bits).withFractionalBits(d);
        // a dimension known only when fed, as a batch of activations has: the chain is compiled
        try (TfStrategyHarness h =
            new TfStrategyHarness(
                SiteKind.WEIGHT, new long[] {x.length}, new long[] {-1}, 1, q, Pruner.none())) {
          float[] y = h.forward(x);
          float[] g = h.gradient(x, up);
          for (int i = 0; i < x.length; i++) {
            assertEquals(
                (float) FixedPoint.quantize(x[i], bits, d, Rounding.TRUNCATE),
                y[i],
                0f,
                "Q(" + x[i] + "; " + bits + ", " + d + ")");
            assertEquals(
                (float) FixedPoint.gradient(up[i], x[i], bits, d, SteGradient.CLIPPED),
                g[i],
                0f,
                "gradient at " + x[i]);
          }
        }
      }
    }
  }

  /** d* of a window large enough to be searched in a fused scope. */
  private static float searchedD(boolean fuse, float[] window, FixedPointQuantizer q) {
    return TfFusion.during(
        fuse,
        () -> {
          try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            TfGraphOps ops = new TfGraphOps(tf, g);
            Placeholder<TFloat32> x =
                tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(window.length)));
            Tensor d = q.searchFractionalBits(ops, new TfTensor(x));
            try (Session s = new Session(g);
                TFloat32 in =
                    TFloat32.tensorOf(
                        Shape.of(window.length), DataBuffers.of(window, true, false));
                Result r = s.runner().feed(x, in).fetch(TfTensor.of(d)).run()) {
              return ((TFloat32) r.get(0)).getFloat();
            }
          }
        });
  }

  @Test
  void fusedSearchFindsTheReferenceDStar() {
    int n = 1 << 22;
    Random r = new Random(9);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      // mostly small values with a heavy tail: the minimum is an interior d
      w[i] = (float) (r.nextGaussian() * (i % 97 == 0 ? 40 : 0.7));
    }
    for (Rounding rounding : Rounding.values()) {
      FixedPointQuantizer q = Quantizers.fixed(8).withRounding(rounding);
      int want = FixedPoint.searchFractionalBits(w, 8, 0, 20, rounding);
      assertEquals(want, searchedD(true, w, q), 0f, rounding + ", fused");
      assertEquals(want, searchedD(false, w, q), 0f, rounding + ", unfused");
    }
  }
}
