package io.jqp.api;

import java.util.List;

/**
 * The engine-neutral graph builder handed to every strategy call (like TF Java's {@code Ops}):
 * strategies build their transforms and state updates with it and never see the engine's own types.
 * All tensors are float32; element-wise binary operations broadcast. Abstract methods are the
 * engine's primitives; default methods are compositions of them.
 */
public interface GraphOps {

  Tensor constant(double value);

  /** A constant with the given values in row-major order and the given shape. */
  Tensor constant(float[] values, long... shape);

  /** A tensor of the given shape with every element {@code value}. */
  Tensor fill(double value, long... shape);

  Tensor add(Tensor a, Tensor b);

  Tensor sub(Tensor a, Tensor b);

  Tensor mul(Tensor a, Tensor b);

  /**
   * {@code x} times a pruning mask: {@code mul(x, mask)}, where {@code mask} has x's trailing
   * dimensions (broadcast over the leading ones) and carries no gradient (a state's value, such as
   * a mask of 0s and 1s). Engines may compute it inside the quantizer that takes or gives {@code
   * x}, with the same values.
   */
  default Tensor mask(Tensor x, Tensor mask) {
    return mul(x, mask);
  }

  Tensor div(Tensor a, Tensor b);

  Tensor neg(Tensor x);

  Tensor abs(Tensor x);

  Tensor sign(Tensor x);

  Tensor floor(Tensor x);

  /** Rounds half to even (banker's rounding). */
  Tensor round(Tensor x);

  /** 2 to the power of {@code x}, element-wise. */
  Tensor pow2(Tensor x);

  /** e^x. */
  Tensor exp(Tensor x);

  /** Natural logarithm. */
  Tensor log(Tensor x);

  /** Smallest whole number &gt;= x (no gradient; wrap it straight-through where one is needed). */
  Tensor ceil(Tensor x);

  /**
   * Standard normal noise of {@code x}'s shape, except size 1 along {@code sharedAxes} (shared
   * there), drawn anew at every run; for stochastic gates sampled per example and channel.
   */
  Tensor normalNoise(Tensor x, int... sharedAxes);

  Tensor minimum(Tensor a, Tensor b);

  Tensor maximum(Tensor a, Tensor b);

  /** 1 where {@code a >= b}, else 0. */
  Tensor greaterEqual(Tensor a, Tensor b);

  /** Sum over the given axes, or over all axes when none are given (then a scalar). */
  Tensor sum(Tensor x, boolean keepDims, int... axes);

  /** Mean over the given axes, or over all axes when none are given. */
  Tensor mean(Tensor x, boolean keepDims, int... axes);

  Tensor reshape(Tensor x, long... shape);

  /** Stacks scalars (or equal-shaped tensors) along a new first axis. */
  Tensor stack(List<Tensor> parts);

  /** Identity in the forward pass; no gradient flows through. */
  Tensor stopGradient(Tensor x);

  /**
   * Identity in the forward pass; in the backward pass the incoming gradient's values are clipped
   * to {@code [lo, hi]} (JQP Eq. 2). {@code lo} and {@code hi} are scalars.
   */
  Tensor clipGradient(Tensor x, Tensor lo, Tensor hi);

  /**
   * A 0/1 mask of {@code importance}'s shape with exactly {@code keep} ones (clamped to [0, n]) at
   * the largest entries; ties go to the lower flat index. {@code keep} is a scalar holding a whole
   * number.
   */
  Tensor keepLargest(Tensor importance, Tensor keep);

  /**
   * Index (as float) of the first minimum along axis 0: a scalar for a vector, a vector for a
   * matrix.
   */
  Tensor argMin(Tensor x);

  /**
   * {@code buffer} (T rows) with the rows of {@code rows} written at positions (start + i) mod T;
   * when there are more rows than T only the last T are written. {@code start} is a scalar holding
   * a whole number.
   */
  Tensor ringWrite(Tensor buffer, Tensor rows, Tensor start);

  /**
   * The update that writes {@code rows} into the state {@code buffer} as {@link #ringWrite(Tensor,
   * Tensor, Tensor)} does. Engines write the rows in place (this default copies the whole buffer,
   * which for a window of activations is most of a step's memory traffic).
   */
  default Update ringWrite(StateVariable buffer, Tensor rows, Tensor start) {
    return buffer.assign(ringWrite(buffer.read(), rows, start));
  }

  /**
   * For an activation of another spatial size than {@code mask} (one sample, H×W×C): the mask
   * repeated floor(X_i / M_i) times along each spatial axis, centred in ones of the activation's
   * sample shape (SPEC §6, mask tiling). Works with shapes known only at run time.
   */
  Tensor tileCentered(Tensor mask, Tensor activation);

  /** The elements of {@code x}, flattened and sorted ascending. */
  Tensor sortFlat(Tensor x);

  /**
   * The q-quantile of all elements of {@code x} (a scalar), linearly interpolated between order
   * statistics at position q·(n − 1); n may be known only at run time (a batch).
   */
  Tensor quantile(Tensor x, double q);

  /**
   * {@code x[index]} along the first axis, for a scalar whole-number index: an element of a vector,
   * a row of a matrix, a slice of a higher-rank tensor.
   */
  Tensor gather(Tensor vector, Tensor index);

  /** Groups updates so that running the result runs them all. */
  Update group(List<Update> updates);

  /** How the gradient passes a fixed-point quantizer (JQP Eq. 2 and its variants, SPEC §1). */
  enum StraightThrough {
    /** The incoming gradient's values clipped to [lo, hi] (the paper's Eq. 2). */
    CLIPPED,
    /** The incoming gradient where lo &lt;= x &lt;= hi, else 0. */
    ZERO_SATURATED,
    /** The incoming gradient unchanged. */
    IDENTITY
  }

  // ---- compositions

  /**
   * Fixed-point quantization with a straight-through gradient, one primitive: Q(x; N, d) =
   * clip(integer(x·2^d), −2^(N−1), 2^(N−1) − 1)·2^−d (JQP Eq. 1; integer: truncation toward zero
   * when {@code towardZero}, else rounding half to even) in the forward pass, exactly; {@code
   * gradient} in the backward pass, with lo = −2^(N−1−d) and hi = 2^(N−1−d) − 2^−d. {@code d} is a
   * scalar, or a vector along the last axis (per channel). Engines replace this composition with a
   * fused kernel where one is exact.
   */
  /**
   * Builds {@code body} (an element-wise chain, perhaps ending in reductions; never a convolution)
   * as one fused kernel where the engine can; by default its ops are built as they are. The
   * engine's {@link #fixedPoint} uses it; a strategy may wrap its own chains (e.g. a search that
   * scores candidates over a window).
   */
  default Tensor fused(String name, java.util.function.Supplier<Tensor> body) {
    return body.get();
  }

  default Tensor fixedPoint(
      Tensor x, Tensor d, int bits, boolean towardZero, StraightThrough gradient) {
    Tensor q =
        mul(
            integerize(
                mul(x, pow2(d)), -Math.pow(2, bits - 1), Math.pow(2, bits - 1) - 1, towardZero),
            pow2(neg(d)));
    Tensor[] range = fixedPointRange(d, bits);
    return straightThrough(x, q, range[0], range[1], gradient);
  }

  /** Q's representable range [−2^(N−1−d), 2^(N−1−d) − 2^−d] (SPEC §1), as {lo, hi}. */
  default Tensor[] fixedPointRange(Tensor d, int bits) {
    Tensor top = pow2(sub(constant(bits - 1), d));
    return new Tensor[] {neg(top), sub(top, pow2(neg(d)))};
  }

  /**
   * {@code q}'s value with {@code gradient}'s path back to {@code x} (range [lo, hi]): q plus a
   * term that is zero forward and carries the variant's gradient; q's own gradient is dropped.
   */
  default Tensor straightThrough(
      Tensor x, Tensor q, Tensor lo, Tensor hi, StraightThrough gradient) {
    Tensor path =
        switch (gradient) {
          case CLIPPED -> clipGradient(x, lo, hi);
          case ZERO_SATURATED ->
              mul(x, stopGradient(mul(greaterEqual(x, lo), greaterEqual(hi, x))));
          case IDENTITY -> x;
        };
    return add(stopGradient(q), sub(path, stopGradient(path)));
  }

  default Tensor square(Tensor x) {
    return mul(x, x);
  }

  /** (a − b)², element-wise; engines fuse it into one kernel. */
  default Tensor squaredDifference(Tensor a, Tensor b) {
    return square(sub(a, b));
  }

  /**
   * For each scale s (a power of two; {@code bits} at most 24), the squared error of truncating x·s
   * toward zero to an N-bit integer, value for value: (clip(trunc(x·s), −2^(N−1), 2^(N−1) − 1) −
   * x·s)², the candidates' errors of a d* search in the scaled domain. Composed as (min(⌊|x|·s⌋, b)
   * − |x|·s)² with b = 2^(N−1) − 1 for x ≥ 0 and 2^(N−1) below (|x| and b made once for every
   * scale): every step is exact in float, so the sign does not change the square. Engines may
   * compute each in one pass, to the same bits.
   */
  default java.util.List<Tensor> truncationErrors(Tensor x, int bits, double[] scales) {
    if (bits < 1 || bits > 24) {
      throw new IllegalArgumentException("truncationErrors: bits must be in [1, 24], got " + bits);
    }
    Tensor abs = abs(x);
    Tensor bound = add(constant(Math.pow(2, bits - 1) - 1), less(x, constant(0)));
    java.util.List<Tensor> out = new java.util.ArrayList<>();
    for (double s : scales) {
      Tensor sa = mul(abs, constant(s));
      out.add(squaredDifference(minimum(floor(sa), bound), sa));
    }
    return out;
  }

  /**
   * {@link #truncationErrors} summed per sample: x is a batch [B, ...], and each scale's tensor is
   * [B], or [B, C] per channel of x's last axis ({@code perChannel}), the sum of sample b's (and
   * channel c's) errors. Engines may compute them in one pass, adding in another order (the same
   * sums but for the last bits of float).
   */
  default java.util.List<Tensor> truncationErrorSums(
      Tensor x, int bits, double[] scales, boolean perChannel) {
    int rank = x.shape().length;
    if (rank < (perChannel ? 2 : 1)) {
      throw new IllegalArgumentException(
          "truncationErrorSums: x must be a batch"
              + (perChannel ? " with a channel axis" : "")
              + ", got rank "
              + rank);
    }
    int[] perSample = new int[perChannel ? rank - 2 : rank - 1];
    for (int i = 0; i < perSample.length; i++) {
      perSample[i] = i + 1;
    }
    java.util.List<Tensor> out = new java.util.ArrayList<>();
    for (Tensor e : truncationErrors(x, bits, scales)) {
      out.add(perSample.length == 0 ? e : sum(e, false, perSample));
    }
    return out;
  }

  /** Rounds toward zero. */
  default Tensor trunc(Tensor x) {
    return mul(sign(x), floor(abs(x)));
  }

  /**
   * The integers of fixed-point quantization in one step: {@code clip(trunc(x), lo, hi)} when
   * {@code towardZero}, else {@code clip(round(x), lo, hi)} (half to even); {@code lo} and {@code
   * hi} are whole numbers. Engines may override it with a faster equivalent.
   */
  default Tensor integerize(Tensor x, double lo, double hi, boolean towardZero) {
    return clip(towardZero ? trunc(x) : round(x), constant(lo), constant(hi));
  }

  default Tensor clip(Tensor x, Tensor lo, Tensor hi) {
    return minimum(maximum(x, lo), hi);
  }

  /** 1 where {@code a < b}, else 0. */
  default Tensor less(Tensor a, Tensor b) {
    return sub(constant(1), greaterEqual(a, b));
  }

  default Tensor onesLike(Tensor x) {
    return add(mul(x, constant(0)), constant(1));
  }

  /** Number of elements of a tensor whose shape is fully known. */
  static long numel(Tensor x) {
    long n = 1;
    for (long d : x.shape()) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape is not fully known: " + java.util.Arrays.toString(x.shape()));
      }
      n *= d;
    }
    return n;
  }
}
