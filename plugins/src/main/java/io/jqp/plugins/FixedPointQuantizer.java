package io.jqp.plugins;

import io.jqp.api.GraphOps;
import io.jqp.api.JqpException;
import io.jqp.api.Quantizer;
import io.jqp.api.SiteContext;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;
import io.jqp.api.Update;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Uniform fixed-point quantization of JQP Eq. 1 with a straight-through gradient (Eq. 2).
 *
 * <p>The operator is the identity until step {@code delay} (counted from 0). At that step it switches on:
 * with a given {@code fractionalBits} it uses that d; without one it picks d* by minimum squared error over
 * the tensor it sees at that step (Eqs. 3–4: the weights themselves, or the activations of that step's
 * training batch), scanning [{@code dLow}, {@code dHigh}) upward and keeping the first minimum. From then on
 * d is frozen (it lives in a graph variable, so checkpoints keep it) and the quantizer acts in training and
 * evaluation alike. {@code delay = 0} without d is "d fixed per site from the first batch".
 *
 * <p>The forward value is exactly Q(x): the gradient path is added as {@code g(x) − stopGradient(g(x))}, which
 * is zero in the forward pass, so integer-only inference can reproduce it bit for bit (SPEC §9).
 *
 * @param bits           total bits N in [2, 32]
 * @param fractionalBits d, or null to search d* at step {@code delay}
 * @param delay          t_q, the step at which quantization starts (0 = from the start)
 * @param rounding       truncation (the reference) or half-to-even
 * @param gradient       straight-through variant
 * @param dLow           lower end of the d* search, inclusive
 * @param dHigh          upper end of the d* search, exclusive
 */
public record FixedPointQuantizer(int bits, @Nullable Integer fractionalBits, long delay, Rounding rounding,
    SteGradient gradient, int dLow, int dHigh) implements Quantizer {

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
      throw new JqpException("d search range [" + dLow + ", " + dHigh + ") is empty; set d-low < d-high");
    }
  }

  /** N-bit truncating quantizer with d* searched on the first batch, clipped-value gradient (the paper's defaults). */
  public static FixedPointQuantizer of(int bits) {
    return new FixedPointQuantizer(bits, null, 0, Rounding.TRUNCATE, SteGradient.CLIPPED, 0, 20);
  }

  public FixedPointQuantizer withFractionalBits(@Nullable Integer d) {
    return new FixedPointQuantizer(bits, d, delay, rounding, gradient, dLow, dHigh);
  }

  public FixedPointQuantizer withDelay(long tq) {
    return new FixedPointQuantizer(bits, fractionalBits, tq, rounding, gradient, dLow, dHigh);
  }

  public FixedPointQuantizer withRounding(Rounding r) {
    return new FixedPointQuantizer(bits, fractionalBits, delay, r, gradient, dLow, dHigh);
  }

  public FixedPointQuantizer withGradient(SteGradient g) {
    return new FixedPointQuantizer(bits, fractionalBits, delay, rounding, g, dLow, dHigh);
  }

  public FixedPointQuantizer withSearchRange(int low, int high) {
    return new FixedPointQuantizer(bits, fractionalBits, delay, rounding, gradient, low, high);
  }

  @Override
  public Tensor quantize(GraphOps ops, Tensor x, SiteContext ctx) {
    // With t_q = 0 the identity phase is empty: the step-0 update picks d before the first training step.
    boolean alwaysOn = delay == 0;
    StateVariable d = ctx.state("d", ops.constant(fractionalBits == null ? dLow : fractionalBits));
    ctx.report("bits", ops.constant(bits));
    ctx.report("d", d.read());
    long tq = delay;
    List<Update> switchOn = new ArrayList<>();
    if (fractionalBits == null) {
      switchOn.add(d.assign(searchFractionalBits(ops, x)));
    }
    if (alwaysOn) {
      if (!switchOn.isEmpty()) {
        ctx.onUpdate(step -> step == tq, ops.group(switchOn));
      }
      return straightThrough(ops, x, d.read());
    }
    StateVariable enabled = ctx.state("enabled", ops.constant(0));
    switchOn.add(enabled.assign(ops.constant(1)));
    ctx.onUpdate(step -> step == tq, ops.group(switchOn));
    Tensor on = enabled.read();
    Tensor y = straightThrough(ops, x, d.read());
    return ops.add(ops.mul(on, y), ops.mul(ops.sub(ops.constant(1), on), x));
  }

  /** Q(x; N, d) in the graph, without any gradient. */
  public Tensor forward(GraphOps ops, Tensor x, Tensor d) {
    Tensor scaled = ops.mul(x, ops.pow2(d));
    Tensor integer = ops.integerize(scaled, -Math.pow(2, bits - 1), Math.pow(2, bits - 1) - 1, rounding == Rounding.TRUNCATE);
    return ops.mul(integer, ops.pow2(ops.neg(d)));
  }

  private Tensor straightThrough(GraphOps ops, Tensor x, Tensor d) {
    Tensor q = ops.stopGradient(forward(ops, x, d));
    Tensor lo = ops.neg(ops.pow2(ops.sub(ops.constant(bits - 1), d)));
    Tensor hi = ops.sub(ops.pow2(ops.sub(ops.constant(bits - 1), d)), ops.pow2(ops.neg(d)));
    Tensor path = switch (gradient) {
      case CLIPPED -> ops.clipGradient(x, lo, hi);
      case ZERO_SATURATED -> ops.mul(x, ops.stopGradient(ops.mul(ops.greaterEqual(x, lo), ops.greaterEqual(hi, x))));
      case IDENTITY -> x;
    };
    return ops.add(q, ops.sub(path, ops.stopGradient(path)));
  }

  /** d* over the given tensor (JQP Eq. 4): index of the first minimum of the squared error, plus dLow. */
  public Tensor searchFractionalBits(GraphOps ops, Tensor window) {
    Tensor w = ops.stopGradient(window);
    List<Tensor> errors = new ArrayList<>();
    for (int dd = dLow; dd < dHigh; dd++) {
      errors.add(ops.sum(ops.square(ops.sub(forward(ops, w, ops.constant(dd)), w)), false));
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
    return s.toString();
  }
}
