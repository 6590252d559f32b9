package io.jqp.plugins;

import io.jqp.api.GraphOps;
import io.jqp.api.JqpException;
import io.jqp.api.Quantizer;
import io.jqp.api.SiteContext;
import io.jqp.api.SiteKind;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Uniform fixed-point quantization of JQP Eq. 1 with a straight-through gradient (Eq. 2), delayed
 * (Eqs. 3–4) and optionally saturated (Eqs. 5–7).
 *
 * <p>The operator is the identity until step {@code delay} = t_q (counted from 0; with 0 there is
 * no identity phase), and costs nothing before: it is gated by {@link SiteContext#from}. At t_q it
 * switches on: with a given {@code fractionalBits} it uses that d; without one it picks d* = argmin
 * over d in [{@code dLow}, {@code dHigh}) of Σ(Q(X; N, d) − X)², scanning upward and keeping the
 * first minimum. X is the weight tensor itself, or for activations the last {@code window} samples
 * seen in training before t_q (0: the activations of t_q's own batch). With saturation, X is first
 * clipped to its [{@code lowerQuantile}, {@code upperQuantile}] quantiles (linear interpolation)
 * and the error is measured against the clipped values; the forward pass still uses plain Q. From
 * then on d is frozen in a graph variable (checkpointed) and applies in training and evaluation.
 *
 * <p>{@code perChannel}: one d per slice of the last axis (output channels of an HWIO kernel,
 * channels of an NHWC activation), each searched on its own slice; quantiles stay per tensor. The
 * reported {@code d} is then the mean over channels.
 *
 * <p>The forward value is exactly Q(x): the gradient path is added as {@code g(x) −
 * stopGradient(g(x))}, which is zero in the forward pass, so integer-only inference can reproduce
 * it bit for bit (SPEC §9).
 *
 * @param bits total bits N in [2, 32]
 * @param fractionalBits d, or null to search d* at t_q
 * @param delay t_q &gt;= 0
 * @param rounding truncation (the reference) or half-to-even
 * @param gradient straight-through variant
 * @param dLow lower end of the d* search, inclusive
 * @param dHigh upper end of the d* search, exclusive
 * @param window activation samples searched (0 = the batch at t_q)
 * @param lowerQuantile q_l in [0, 1]
 * @param upperQuantile q_u in [q_l, 1]; (0, 1) = no saturation
 * @param perChannel one d per channel of the last axis
 */
public record FixedPointQuantizer(
    int bits,
    @Nullable Integer fractionalBits,
    long delay,
    Rounding rounding,
    SteGradient gradient,
    int dLow,
    int dHigh,
    int window,
    double lowerQuantile,
    double upperQuantile,
    boolean perChannel)
    implements Quantizer {

  public FixedPointQuantizer {
    if (bits < 2 || bits > 32) {
      throw new JqpException("bits must be in [2, 32], got " + bits);
    }
    if (fractionalBits != null && (fractionalBits < -32 || fractionalBits > 64)) {
      throw new JqpException("fractional bits d must be in [-32, 64], got " + fractionalBits);
    }
    if (delay < 0) {
      throw new JqpException("delay (t_q) must be >= 0, got " + delay);
    }
    if (dLow >= dHigh) {
      throw new JqpException(
          "d search range [" + dLow + ", " + dHigh + ") is empty; set d-low < d-high");
    }
    if (window < 0) {
      throw new JqpException("window must be >= 0 samples (0 = the batch at t_q), got " + window);
    }
    if (!(lowerQuantile >= 0 && lowerQuantile <= upperQuantile && upperQuantile <= 1)) {
      throw new JqpException(
          "saturation quantiles must satisfy 0 <= lower <= upper <= 1, got ("
              + lowerQuantile
              + ", "
              + upperQuantile
              + ")");
    }
  }

  /**
   * N-bit truncating quantizer with d* searched on the first batch, clipped-value gradient (the
   * paper's defaults).
   */
  public static FixedPointQuantizer of(int bits) {
    return new FixedPointQuantizer(
        bits, null, 0, Rounding.TRUNCATE, SteGradient.CLIPPED, 0, 20, 0, 0, 1, false);
  }

  public FixedPointQuantizer withFractionalBits(@Nullable Integer d) {
    return new FixedPointQuantizer(
        bits,
        d,
        delay,
        rounding,
        gradient,
        dLow,
        dHigh,
        window,
        lowerQuantile,
        upperQuantile,
        perChannel);
  }

  public FixedPointQuantizer withDelay(long tq) {
    return new FixedPointQuantizer(
        bits,
        fractionalBits,
        tq,
        rounding,
        gradient,
        dLow,
        dHigh,
        window,
        lowerQuantile,
        upperQuantile,
        perChannel);
  }

  public FixedPointQuantizer withRounding(Rounding r) {
    return new FixedPointQuantizer(
        bits,
        fractionalBits,
        delay,
        r,
        gradient,
        dLow,
        dHigh,
        window,
        lowerQuantile,
        upperQuantile,
        perChannel);
  }

  public FixedPointQuantizer withGradient(SteGradient g) {
    return new FixedPointQuantizer(
        bits,
        fractionalBits,
        delay,
        rounding,
        g,
        dLow,
        dHigh,
        window,
        lowerQuantile,
        upperQuantile,
        perChannel);
  }

  public FixedPointQuantizer withSearchRange(int low, int high) {
    return new FixedPointQuantizer(
        bits,
        fractionalBits,
        delay,
        rounding,
        gradient,
        low,
        high,
        window,
        lowerQuantile,
        upperQuantile,
        perChannel);
  }

  public FixedPointQuantizer withWindow(int samples) {
    return new FixedPointQuantizer(
        bits,
        fractionalBits,
        delay,
        rounding,
        gradient,
        dLow,
        dHigh,
        samples,
        lowerQuantile,
        upperQuantile,
        perChannel);
  }

  public FixedPointQuantizer saturated(double lower, double upper) {
    return new FixedPointQuantizer(
        bits,
        fractionalBits,
        delay,
        rounding,
        gradient,
        dLow,
        dHigh,
        window,
        lower,
        upper,
        perChannel);
  }

  public FixedPointQuantizer withPerChannel(boolean on) {
    return new FixedPointQuantizer(
        bits,
        fractionalBits,
        delay,
        rounding,
        gradient,
        dLow,
        dHigh,
        window,
        lowerQuantile,
        upperQuantile,
        on);
  }

  private boolean isSaturated() {
    return lowerQuantile > 0 || upperQuantile < 1;
  }

  @Override
  public Tensor quantize(GraphOps ops, Tensor x, SiteContext ctx) {
    boolean activation = ctx.site().kind() == SiteKind.ACTIVATION;
    long[] sample = ctx.site().shape().stream().mapToLong(Long::longValue).toArray();
    long channels = sample[sample.length - 1];
    Tensor d0 =
        perChannel
            ? ops.fill(fractionalBits == null ? dLow : fractionalBits, channels)
            : ops.constant(fractionalBits == null ? dLow : fractionalBits);
    StateVariable d = ctx.state("d", d0);
    ctx.report("bits", ops.constant(bits));
    ctx.report("d", perChannel ? ops.mean(d.read(), false) : d.read());
    long tq = delay;
    if (fractionalBits == null) {
      LongPredicate atTq = step -> step == tq;
      if (activation && window > 0) {
        long needed = (window + ctx.batchSize() - 1) / ctx.batchSize();
        if (delay < needed) {
          throw new JqpException(
              "quantizer at "
                  + ctx.site().name()
                  + ": a window of "
                  + window
                  + " samples needs t_q >= "
                  + needed
                  + " steps at batch "
                  + ctx.batchSize()
                  + ", got t_q = "
                  + delay);
        }
        if (!isSaturated()) {
          // the candidates' errors are sums: each collecting step adds its batch's
          WindowSums sums = windowedErrors(ops, ctx, x, sample, atTq);
          ctx.onUpdate(atTq, () -> d.assign(firstMinimumOfSums(ops, sums)));
        } else {
          // quantiles need the window's values themselves
          SampleWindow values = SampleWindow.of(ops, ctx, "values", x, sample, window, atTq);
          ctx.onUpdate(atTq, () -> d.assign(searchFractionalBits(ops, values.values())));
        }
      } else {
        ctx.onUpdate(atTq, () -> d.assign(searchFractionalBits(ops, x)));
      }
    }
    return ctx.from(ops, tq, x, v -> straightThrough(ops, v, d.read()));
  }

  /**
   * Q(x; N, d) in the graph, without any gradient; d is a scalar or a vector along the last axis.
   */
  public Tensor forward(GraphOps ops, Tensor x, Tensor d) {
    Tensor scaled = ops.mul(x, ops.pow2(d));
    Tensor integer =
        ops.integerize(
            scaled,
            -Math.pow(2, bits - 1),
            Math.pow(2, bits - 1) - 1,
            rounding == Rounding.TRUNCATE);
    return ops.mul(integer, ops.pow2(ops.neg(d)));
  }

  private Tensor straightThrough(GraphOps ops, Tensor x, Tensor d) {
    return ops.fixedPoint(
        x,
        d,
        bits,
        rounding == Rounding.TRUNCATE,
        switch (gradient) {
          case CLIPPED -> GraphOps.StraightThrough.CLIPPED;
          case ZERO_SATURATED -> GraphOps.StraightThrough.ZERO_SATURATED;
          case IDENTITY -> GraphOps.StraightThrough.IDENTITY;
        });
  }

  /**
   * d* over the given values (JQP Eq. 4, with the saturation of Eqs. 5–7 when set): the first
   * minimum of the squared error, plus dLow; a vector over the last axis when per channel.
   */
  public Tensor searchFractionalBits(GraphOps ops, Tensor values) {
    Tensor w = ops.stopGradient(values);
    if (isSaturated()) {
      w = ops.clip(w, ops.quantile(w, lowerQuantile), ops.quantile(w, upperQuantile));
    }
    int rank = w.shape().length;
    int[] allButLast = new int[Math.max(0, rank - 1)];
    for (int i = 0; i < allButLast.length; i++) {
      allButLast[i] = i;
    }
    boolean scaled = scaledSearch();
    Tensor window = w;
    long[] shape = w.shape();
    long numel = 1;
    for (long n : shape) {
      numel = n < 0 || numel < 0 ? -1 : numel * n;
    }
    if (numel < FUSED_SEARCH_MIN) {
      return firstMinimum(ops, w, scaled, allButLast);
    }
    // each candidate's error is one fused pass over the window where the engine fuses
    return ops.fused("d_search", () -> firstMinimum(ops, window, scaled, allButLast));
  }

  /**
   * The candidates' errors over the last {@code window} activation samples before t_q, without
   * keeping the samples: each of the ceil(T / B) steps before t_q adds its batch's squared errors
   * per candidate d (per sample, so that the oldest batch counts only its samples inside the
   * window) to a {@link WindowSums}, whose R sums the update at t_q reads ({@link
   * #firstMinimumOfSums}). The same sums as a scan of the window (in another order of addition), at
   * one batch's memory instead of T samples', and no scan at t_q.
   */
  private WindowSums windowedErrors(
      GraphOps ops, SiteContext ctx, Tensor x, long[] sample, LongPredicate atTq) {
    int rank = sample.length + 1;
    // per sample: every axis but the batch's, and per channel also but the last
    int[] perSample = new int[perChannel ? rank - 2 : rank - 1];
    for (int i = 0; i < perSample.length; i++) {
      perSample[i] = i + 1;
    }
    boolean scaled = scaledSearch();
    long[] rowShape = perChannel ? new long[] {sample[sample.length - 1]} : new long[0];
    return WindowSums.of(
        ops,
        ctx,
        "errors",
        dHigh - dLow,
        () -> {
          if (truncationKernel(scaled)) {
            // one pass per sample for every candidate where the engine has it
            return ops.truncationErrorSums(ops.stopGradient(x), bits, scales(), perChannel);
          }
          List<Tensor> errors = new ArrayList<>();
          for (Tensor sq : candidateErrors(ops, ops.stopGradient(x), scaled)) {
            errors.add(perSample.length == 0 ? sq : ops.sum(sq, false, perSample));
          }
          return errors;
        },
        rowShape,
        window,
        atTq);
  }

  /** d*: the first minimum of the window's summed candidate errors, plus dLow. */
  private Tensor firstMinimumOfSums(GraphOps ops, WindowSums sums) {
    boolean scaled = scaledSearch();
    float[] rescale = new float[dHigh - dLow];
    for (int dd = dLow; dd < dHigh; dd++) {
      rescale[dd - dLow] = (float) (scaled ? Math.pow(4, -dd) : 1);
    }
    long[] rescaleShape = perChannel ? new long[] {rescale.length, 1} : new long[] {rescale.length};
    Tensor total = ops.mul(sums.totals(), ops.constant(rescale, rescaleShape));
    return ops.add(ops.argMin(total), ops.constant(dLow));
  }

  /**
   * The smallest window (elements) whose d* search is built as a fused scope. Compiling the fused
   * search costs about 0.6–1 s once (XLA on 2 cores); it then runs 20 candidates over 25.7M values
   * in 0.18 s against 0.5 s unfused (2.1 s on its first run), while below a few million values the
   * unfused search is faster than the compilation.
   */
  static final long FUSED_SEARCH_MIN = 1L << 22;

  /**
   * Whether candidates' errors are taken in the scaled domain s = w·2^d, where the error is
   * (integer(s) − s)², 4^d times the error in w: power-of-two factors are exact in float, so the
   * sums compare exactly as Σ(Q(w) − w)² would, with two passes over the values fewer per candidate
   * (no rescale, one fused squared difference). Outside |d| &lt;= 30 the factors could leave
   * float's normal range; there the error is taken in w.
   */
  private boolean scaledSearch() {
    return dLow >= -30 && dHigh <= 31;
  }

  /** Whether the candidates' errors are {@link GraphOps#truncationErrors}'. */
  private boolean truncationKernel(boolean scaled) {
    return scaled && rounding == Rounding.TRUNCATE && bits <= 24;
  }

  /** The candidates' scales 2^d, d = dLow..dHigh − 1. */
  private double[] scales() {
    double[] scales = new double[dHigh - dLow];
    for (int dd = dLow; dd < dHigh; dd++) {
      scales[dd - dLow] = Math.pow(2, dd);
    }
    return scales;
  }

  /**
   * Every candidate d's element-wise squared error on {@code w}, in the order dLow..dHigh − 1: in
   * the scaled domain (4^d times the error in w) when {@code scaled}, else in w itself. With
   * truncation (at most 24 bits, so the bounds are exact in float) the engine's {@link
   * GraphOps#truncationErrors}: |w| and the bound on w's side made once, each candidate's clip,
   * float → int → float round trip and squared difference turned into a floor, a minimum and the
   * squared difference (a fifth less time over 20 candidates than the round trip, the same sums to
   * the bit), or one pass of the engine's kernel.
   */
  private List<Tensor> candidateErrors(GraphOps ops, Tensor w, boolean scaled) {
    if (truncationKernel(scaled)) {
      return ops.truncationErrors(w, bits, scales());
    }
    List<Tensor> out = new ArrayList<>();
    for (int dd = dLow; dd < dHigh; dd++) {
      if (!scaled) {
        out.add(ops.squaredDifference(forward(ops, w, ops.constant(dd)), w));
      } else {
        Tensor s = ops.mul(w, ops.constant(Math.pow(2, dd)));
        out.add(
            ops.squaredDifference(
                ops.integerize(
                    s,
                    -Math.pow(2, bits - 1),
                    Math.pow(2, bits - 1) - 1,
                    rounding == Rounding.TRUNCATE),
                s));
      }
    }
    return out;
  }

  private Tensor firstMinimum(GraphOps ops, Tensor w, boolean scaled, int[] allButLast) {
    int rank = w.shape().length;
    List<Tensor> squared = candidateErrors(ops, w, scaled);
    List<Tensor> errors = new ArrayList<>();
    for (int dd = dLow; dd < dHigh; dd++) {
      Tensor sq = squared.get(dd - dLow);
      Tensor e = perChannel && rank > 1 ? ops.sum(sq, false, allButLast) : ops.sum(sq, false);
      errors.add(scaled ? ops.mul(e, ops.constant(Math.pow(4, -dd))) : e);
    }
    return ops.add(ops.argMin(ops.stack(errors)), ops.constant(dLow));
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Quantizers.fixed(").append(bits).append(')');
    if (fractionalBits != null) {
      s.append(".withFractionalBits(").append(fractionalBits).append(')');
    }
    if (delay != 0) {
      s.append(".withDelay(").append(delay).append(')');
    }
    if (rounding != Rounding.TRUNCATE) {
      s.append(".withRounding(").append(rounding).append(')');
    }
    if (gradient != SteGradient.CLIPPED) {
      s.append(".withGradient(").append(gradient).append(')');
    }
    if (dLow != 0 || dHigh != 20) {
      s.append(".withSearchRange(").append(dLow).append(", ").append(dHigh).append(')');
    }
    if (window != 0) {
      s.append(".withWindow(").append(window).append(')');
    }
    if (isSaturated()) {
      s.append(".saturated(").append(lowerQuantile).append(", ").append(upperQuantile).append(')');
    }
    if (perChannel) {
      s.append(".withPerChannel(true)");
    }
    return s.toString();
  }
}
