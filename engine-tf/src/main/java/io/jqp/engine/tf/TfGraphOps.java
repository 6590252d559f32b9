package io.jqp.engine.tf;

import io.jqp.api.GraphOps;
import io.jqp.api.Tensor;
import io.jqp.api.Update;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** {@link GraphOps} on a TensorFlow Java graph. */
public final class TfGraphOps implements GraphOps {
  private final Ops base;
  private final boolean fusion;
  private int fusionRequests;
  private Ops tf;
  private int fusedCount;
  private final Graph graph;
  private final TfKernelFusion kernels = new TfKernelFusion();
  private final TfRandom random;

  public TfGraphOps(Ops tf, Graph graph) {
    this(tf, graph, 0);
  }

  /**
   * @param seed seeds the random ops ({@link #normalNoise})
   */
  public TfGraphOps(Ops tf, Graph graph, long seed) {
    this(tf, graph, seed, TfFusion.mode() == TfFusion.Mode.ON);
  }

  /**
   * @param fusion whether {@link #fused} builds compilation scopes here ({@link TfFusion} decides
   *     per build; never in an evaluation build: it runs a few batches per evaluation, fewer than
   *     would pay for compiling them)
   */
  TfGraphOps(Ops tf, Graph graph, long seed, boolean fusion) {
    this.fusion = fusion;
    this.base = tf;
    this.tf = tf;
    this.graph = graph;
    this.random = new TfRandom(seed);
    TfGradients.ensureRegistered();
    // a bad jqp.native fails here, when the model is built, not at its first quantizer
    TfNativeKernels.available();
  }

  public Ops tf() {
    return base;
  }

  /** The {@link Ops} ops are built with now: {@link #tf()}, or a compilation scope's. */
  Ops current() {
    return tf;
  }

  Graph graph() {
    return graph;
  }

  /** How many (outermost) scopes were asked for, whether or not they were compiled. */
  int fusionRequests() {
    return fusionRequests;
  }

  /**
   * Builds {@code body}'s ops in one explicit XLA compilation scope (see {@link TfFusionScope}), so
   * that TensorFlow compiles the element-wise chain into one kernel; nested calls join the outer
   * scope.
   */
  @Override
  public Tensor fused(String name, java.util.function.Supplier<Tensor> body) {
    if (tf == base) {
      fusionRequests++;
    }
    if (tf != base || !fusion) {
      return body.get();
    }
    Ops scoped = TfFusionScope.of(base, "jqp:" + name);
    if (scoped == null) {
      return body.get();
    }
    tf = scoped;
    try {
      return body.get();
    } finally {
      tf = base;
    }
  }

  private static Operand<TFloat32> o(Tensor t) {
    return TfTensor.of(t);
  }

  private static TfTensor t(Operand<TFloat32> o) {
    return new TfTensor(o);
  }

  @Override
  public Tensor constant(double value) {
    return t(tf.constant((float) value));
  }

  @Override
  public Tensor constant(float[] values, long... shape) {
    return t(tf.constant(Shape.of(shape), DataBuffers.of(values, true, false)));
  }

  @Override
  public Tensor fill(double value, long... shape) {
    return t(tf.fill(tf.constant(shape), tf.constant((float) value)));
  }

  @Override
  public Tensor add(Tensor a, Tensor b) {
    return t(tf.math.add(o(a), o(b)));
  }

  @Override
  public Tensor sub(Tensor a, Tensor b) {
    return t(tf.math.sub(o(a), o(b)));
  }

  @Override
  public Tensor mul(Tensor a, Tensor b) {
    return t(tf.math.mul(o(a), o(b)));
  }

  /**
   * The mask product; jqp's kernel computes it, and next to a quantizer with truncation or a ReLU
   * computes both in one pass ({@link TfKernelFusion}).
   */
  @Override
  public Tensor mask(Tensor x, Tensor mask) {
    Tensor fused = kernels.maskQuantized(this, x, mask);
    if (fused == null) {
      fused = kernels.mask(this, x, mask);
    }
    if (fused != null) {
      return fused;
    }
    Tensor y = mul(x, mask);
    kernels.recordMask(y, x, mask);
    return y;
  }

  /**
   * relu(x) computed in x's quantizer kernel where x is one of jqp's (see {@link TfKernelFusion});
   * else null.
   */
  @org.jspecify.annotations.Nullable
  Operand<TFloat32> reluOfQuantized(Operand<TFloat32> x) {
    Tensor y = kernels.relu(this, t(x));
    return y == null ? null : o(y);
  }

  @Override
  public Tensor div(Tensor a, Tensor b) {
    return t(tf.math.div(o(a), o(b)));
  }

  @Override
  public Tensor squaredDifference(Tensor a, Tensor b) {
    return t(tf.math.squaredDifference(o(a), o(b)));
  }

  @Override
  public Tensor neg(Tensor x) {
    return t(tf.math.neg(o(x)));
  }

  @Override
  public Tensor abs(Tensor x) {
    return t(tf.math.abs(o(x)));
  }

  @Override
  public Tensor sign(Tensor x) {
    return t(tf.math.sign(o(x)));
  }

  @Override
  public Tensor floor(Tensor x) {
    return t(tf.math.floor(o(x)));
  }

  @Override
  public Tensor round(Tensor x) {
    return t(tf.math.round(o(x)));
  }

  /**
   * Clipping first to whole-number bounds inside the int32 range makes a float → int32 → float cast
   * round trip an exact truncation toward zero: two cheap kernels instead of sign·floor(|x|).
   */
  @Override
  public Tensor integerize(Tensor x, double lo, double hi, boolean towardZero) {
    if (!towardZero || lo < Integer.MIN_VALUE || hi > Integer.MAX_VALUE) {
      return GraphOps.super.integerize(x, lo, hi, towardZero);
    }
    Operand<TFloat32> clipped =
        tf.clipByValue(o(x), tf.constant((float) lo), tf.constant((float) hi));
    return t(tf.dtypes.cast(tf.dtypes.cast(clipped, TInt32.class), TFloat32.class));
  }

  /**
   * Each scale's error in one pass of jqp's kernel ({@code JqpTruncError}, the same bits as the
   * composition) where it is loaded and the ops are not in a compilation scope; else composed.
   */
  @Override
  public java.util.List<Tensor> truncationErrors(Tensor x, int bits, double[] scales) {
    java.util.List<Tensor> out =
        tf != base ? null : TfTruncationErrors.elementwise(tf, x, bits, scales);
    return out != null ? out : GraphOps.super.truncationErrors(x, bits, scales);
  }

  /**
   * Every candidate's errors summed per sample in one kernel ({@code JqpTruncErrorSums}) where it
   * is loaded and the ops are not in a compilation scope; else composed.
   */
  @Override
  public java.util.List<Tensor> truncationErrorSums(
      Tensor x, int bits, double[] scales, boolean perChannel) {
    java.util.List<Tensor> out =
        tf != base ? null : TfTruncationErrors.perSample(tf, x, bits, scales, perChannel);
    return out != null ? out : GraphOps.super.truncationErrorSums(x, bits, scales, perChannel);
  }

  /**
   * Q with its straight-through gradient ({@link TfFixedPoint}): jqp's own one-pass kernel where it
   * is loaded ({@link TfNativeKernels}, with the masks and ReLU around it: {@link TfKernelFusion});
   * else TensorFlow's fused kernel for rounding half to even, or the composition, in one
   * compilation scope ({@link #fused}) where {@link TfFixedPoint#worthFusing} says it pays.
   */
  @Override
  public Tensor fixedPoint(
      Tensor x, Tensor d, int bits, boolean towardZero, StraightThrough gradient) {
    if (TfNativeKernels.onHere() && TfFixedPoint.kernelApplies(x.shape(), d.shape(), bits)) {
      Operand<TFloat32> scale = o(pow2(d));
      Operand<TFloat32> unscale = o(pow2(neg(d)));
      float top = (float) Math.pow(2, bits - 1);
      Tensor[] range = fixedPointRange(d, bits);
      Tensor q =
          kernels.quantize(this, x, !towardZero, scale, unscale, -top, top - 1, range, gradient);
      if (q != null) {
        return q;
      }
    }
    if (!TfFixedPoint.worthFusing(x.shape())) {
      return fixedPointOps(x, d, bits, towardZero, gradient);
    }
    return fused(
        "fixed_point_" + (fusedCount++), () -> fixedPointOps(x, d, bits, towardZero, gradient));
  }

  private Tensor fixedPointOps(
      Tensor x, Tensor d, int bits, boolean towardZero, StraightThrough gradient) {
    Operand<TFloat32>[] range = TfFixedPoint.halfEvenRange(tf, x, d, bits, towardZero);
    if (range == null) {
      return GraphOps.super.fixedPoint(x, d, bits, towardZero, gradient);
    }
    Tensor q = t(TfFixedPoint.halfEven(tf, o(x), range, bits));
    return straightThrough(x, q, t(range[0]), t(range[1]), gradient);
  }

  @Override
  public Tensor pow2(Tensor x) {
    return t(tf.math.pow(tf.constant(2f), o(x)));
  }

  @Override
  public Tensor exp(Tensor x) {
    return t(tf.math.exp(o(x)));
  }

  @Override
  public Tensor log(Tensor x) {
    return t(tf.math.log(o(x)));
  }

  @Override
  public Tensor ceil(Tensor x) {
    return t(tf.stopGradient(tf.math.ceil(o(x))));
  }

  /**
   * The step that keys every random op of this graph, fed by the trainer (0 when not fed); random
   * ops are stateless ({@link TfRandom}).
   */
  public Operand<TInt64> randomStep() {
    return random.step(tf);
  }

  /** Whether any random op was built (then {@link #randomStep} must be fed while training). */
  public boolean hasRandomOps() {
    return random.used();
  }

  /** A fresh key [seed-and-op, step] for one stateless random op. */
  Operand<TInt64> randomKey() {
    return random.key(tf);
  }

  @Override
  public Tensor normalNoise(Tensor x, int... sharedAxes) {
    return t(random.normalNoise(tf, o(x), sharedAxes));
  }

  @Override
  public Tensor minimum(Tensor a, Tensor b) {
    return t(tf.math.minimum(o(a), o(b)));
  }

  @Override
  public Tensor maximum(Tensor a, Tensor b) {
    return t(tf.math.maximum(o(a), o(b)));
  }

  @Override
  public Tensor greaterEqual(Tensor a, Tensor b) {
    return t(tf.dtypes.cast(tf.math.greaterEqual(o(a), o(b)), TFloat32.class));
  }

  private Operand<TInt32> axes(Tensor x, int... axes) {
    if (axes.length > 0) {
      return tf.constant(axes);
    }
    int rank = x.shape().length;
    int[] all = new int[rank];
    for (int i = 0; i < rank; i++) {
      all[i] = i;
    }
    return tf.constant(all);
  }

  @Override
  public Tensor sum(Tensor x, boolean keepDims, int... axes) {
    return t(tf.sum(o(x), axes(x, axes), Sum.keepDims(keepDims)));
  }

  @Override
  public Tensor mean(Tensor x, boolean keepDims, int... axes) {
    return t(tf.math.mean(o(x), axes(x, axes), Mean.keepDims(keepDims)));
  }

  @Override
  public Tensor reshape(Tensor x, long... shape) {
    return t(tf.reshape(o(x), tf.constant(shape)));
  }

  @Override
  public Tensor stack(List<Tensor> parts) {
    List<Operand<TFloat32>> ops = new ArrayList<>();
    for (Tensor p : parts) {
      ops.add(o(p));
    }
    return t(tf.stack(ops));
  }

  @Override
  public Tensor stopGradient(Tensor x) {
    return t(tf.stopGradient(o(x)));
  }

  /** The identity with the clipped straight-through gradient: the straight-through node, q = x. */
  @Override
  public Tensor clipGradient(Tensor x, Tensor lo, Tensor hi) {
    return straightThrough(x, x, lo, hi, StraightThrough.CLIPPED);
  }

  /** One pass-through node with the variant's registered gradient ({@link TfFixedPoint}). */
  @Override
  public Tensor straightThrough(
      Tensor x, Tensor q, Tensor lo, Tensor hi, StraightThrough gradient) {
    return t(
        TfFixedPoint.straightThrough(
            base, graph, tf.stopGradient(o(q)), o(x), o(lo), o(hi), gradient));
  }

  @Override
  public Tensor keepLargest(Tensor importance, Tensor keep) {
    return t(TfSelection.keepLargest(tf, o(importance), o(keep), importance.shape(), tf == base));
  }

  @Override
  public Tensor argMin(Tensor vector) {
    return t(
        tf.dtypes.cast(tf.math.argMin(o(vector), tf.constant(0), TInt32.class), TFloat32.class));
  }

  @Override
  public Tensor ringWrite(Tensor buffer, Tensor rows, Tensor start) {
    TfSelection.Ring r = TfSelection.ring(tf, buffer.shape()[0], o(rows), o(start));
    return t(
        tf.tensorScatterNdUpdate(
            o(buffer), tf.expandDims(r.positions(), tf.constant(1)), r.kept()));
  }

  /** In place: a scatter into the variable's rows, no copy of the buffer. */
  @Override
  public Update ringWrite(io.jqp.api.StateVariable buffer, Tensor rows, Tensor start) {
    if (!(buffer instanceof TfStateVariable v)) {
      return GraphOps.super.ringWrite(buffer, rows, start);
    }
    TfSelection.Ring r = TfSelection.ring(tf, v.variable().shape().get(0), o(rows), o(start));
    return new TfUpdate(tf.scatterUpdate(v.variable(), r.positions(), r.kept()));
  }

  @Override
  public Tensor tileCentered(Tensor mask, Tensor activation) {
    return t(TfSelection.tileCentered(tf, o(mask), mask.shape(), o(activation)));
  }

  @Override
  public Tensor sortFlat(Tensor x) {
    return t(TfSelection.sortFlat(tf, o(x), GraphOps.numel(x)));
  }

  @Override
  public Tensor quantile(Tensor x, double q) {
    return t(TfSelection.quantile(tf, o(x), q));
  }

  @Override
  public Tensor gather(Tensor vector, Tensor index) {
    return t(tf.gather(o(vector), tf.dtypes.cast(o(index), TInt32.class), tf.constant(0)));
  }

  @Override
  public Update group(List<Update> updates) {
    List<Op> ops = new ArrayList<>();
    for (Update u : updates) {
      ops.add(TfUpdate.of(u));
    }
    return new TfUpdate(tf.withControlDependencies(ops).noOp());
  }
}
