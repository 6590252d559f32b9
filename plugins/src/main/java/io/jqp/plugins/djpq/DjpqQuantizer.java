package io.jqp.plugins.djpq;

import io.jqp.api.GraphOps;
import io.jqp.api.JqpException;
import io.jqp.api.Quantizer;
import io.jqp.api.SiteContext;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;

/**
 * DJPQ's differentiable quantizer (SPEC §10): a symmetric uniform quantizer with a learned step d
 * and a learned maximum q_max, both trained in log space, x_q = sign(x)·d·floor(min(|x|, q_max)/d +
 * ½), with the gradients ∂/∂x = 1 where |x| ≤ q_max (else 0), ∂/∂d = (x_q − x)/d there (else 0),
 * ∂/∂q_max = sign(x) where |x| &gt; q_max. The bit-width is derived, b = log2(q_max/d + 1) + 1,
 * kept in [minBits, maxBits] by clamping d; the forward pass and the reports use ceil(b), the cost
 * term ({@link BopsCost}) the un-ceiled b, published as "bits".
 *
 * <p>With {@code powerOfTwo}, b is rounded up to {2, 4, 8, 16} (straight-through) and d is
 * re-derived from q_max as q_max/(2^(b−1) − 1), so only q_max and, through b, the learned d move
 * the bit-width.
 *
 * <p>Choices the paper leaves open (SPEC §10 says its weighting could not be recovered): q_max and
 * d are initialised from the data at step {@code delay} (q_max = the 0.999 quantile of |x| of that
 * batch's tensor, d = q_max/(2^(initBits−1) − 1)); before {@code delay} the quantizer is the
 * identity (the second stage of the two-stage baseline starts it late). The bit-width is clamped by
 * clamping d, so the gradient to d vanishes at the clamp.
 *
 * @param initBits bit-width at initialisation
 * @param minBits lowest bit-width (2 in the paper)
 * @param maxBits highest bit-width (16 in the paper)
 * @param powerOfTwo restrict b to {2, 4, 8, 16}
 * @param delay step at which the quantizer initialises and switches on
 */
public record DjpqQuantizer(int initBits, int minBits, int maxBits, boolean powerOfTwo, long delay)
    implements Quantizer {

  public DjpqQuantizer {
    if (minBits < 2 || maxBits > 16 || minBits > maxBits) {
      throw new JqpException(
          "djpq: bits must satisfy 2 <= minBits <= maxBits <= 16, got " + minBits + ".." + maxBits);
    }
    if (initBits < minBits || initBits > maxBits) {
      throw new JqpException(
          "djpq: initBits must be in [" + minBits + ", " + maxBits + "], got " + initBits);
    }
    if (delay < 0) {
      throw new JqpException("djpq: delay must be >= 0 steps, got " + delay);
    }
  }

  static final double LN2 = Math.log(2);

  @Override
  public Tensor quantize(GraphOps ops, Tensor x, SiteContext ctx) {
    double levels = Math.pow(2, initBits - 1) - 1;
    StateVariable logQ = ctx.parameter("log_qmax", ops.constant(0));
    StateVariable logD = ctx.parameter("log_step", ops.constant(-Math.log(levels)));
    StateVariable enabled = ctx.state("enabled", ops.constant(0));
    ctx.onUpdate(
        step -> step == delay,
        () -> {
          Tensor qInit =
              ops.maximum(ops.quantile(ops.abs(ops.stopGradient(x)), 0.999), ops.constant(1e-6));
          return ops.group(
              java.util.List.of(
                  logQ.assign(ops.log(qInit)),
                  logD.assign(ops.sub(ops.log(qInit), ops.constant(Math.log(levels)))),
                  enabled.assign(ops.constant(1))));
        });
    Tensor q = ops.exp(logQ.read());
    Tensor d = ops.exp(logD.read());
    // b in [minBits, maxBits] ⇔ d in [q/(2^(max−1) − 1), q/(2^(min−1) − 1)]
    d =
        ops.clip(
            d,
            ops.div(q, ops.constant(Math.pow(2, maxBits - 1) - 1)),
            ops.div(q, ops.constant(Math.pow(2, minBits - 1) - 1)));
    Tensor bits = ops.add(log2(ops, ops.add(ops.div(q, d), ops.constant(1))), ops.constant(1));
    Tensor shown;
    if (powerOfTwo) {
      Tensor snapped = ops.pow2(ops.ceil(log2(ops, ops.stopGradient(bits))));
      bits = ops.add(bits, ops.stopGradient(ops.sub(snapped, bits)));
      d = ops.div(q, ops.sub(ops.pow2(ops.sub(bits, ops.constant(1))), ops.constant(1)));
      shown = bits;
    } else {
      shown = ops.ceil(ops.sub(bits, ops.constant(1e-4)));
    }
    ctx.publish(
        "bits",
        ops.add(
            ops.mul(enabled.read(), bits),
            ops.mul(ops.sub(ops.constant(1), enabled.read()), ops.constant(32))));
    ctx.report(
        "bits",
        ops.add(
            ops.mul(enabled.read(), shown),
            ops.mul(ops.sub(ops.constant(1), enabled.read()), ops.constant(32))));
    ctx.report("step", d);
    ctx.report("qmax", q);
    Tensor y = quantizeWithGradients(ops, x, d, q);
    Tensor on = enabled.read();
    return ops.add(ops.mul(on, y), ops.mul(ops.sub(ops.constant(1), on), x));
  }

  /** log2 in the graph. */
  static Tensor log2(GraphOps ops, Tensor x) {
    return ops.div(ops.log(x), ops.constant(LN2));
  }

  /**
   * x_q with the gradients of SPEC §10 to x, d and q_max: its value is x_q; each straight-through
   * term is zero in value and carries one of the gradients.
   */
  public static Tensor quantizeWithGradients(GraphOps ops, Tensor x, Tensor d, Tensor q) {
    Tensor xs = ops.stopGradient(x);
    Tensor ds = ops.stopGradient(d);
    Tensor qs = ops.stopGradient(q);
    Tensor abs = ops.abs(xs);
    Tensor sign = ops.sign(xs);
    Tensor xq =
        ops.mul(
            ops.mul(sign, ds),
            ops.floor(ops.add(ops.div(ops.minimum(abs, qs), ds), ops.constant(0.5))));
    Tensor inside = ops.greaterEqual(qs, abs);
    Tensor outside = ops.sub(ops.constant(1), inside);
    Tensor viaX = ops.mul(inside, ops.sub(x, xs));
    Tensor viaD = ops.mul(ops.mul(inside, ops.div(ops.sub(xq, xs), ds)), ops.sub(d, ds));
    Tensor viaQ = ops.mul(ops.mul(outside, sign), ops.sub(q, qs));
    return ops.add(xq, ops.add(viaX, ops.add(viaD, viaQ)));
  }

  @Override
  public String toString() {
    return "Djpq.quantizer("
        + initBits
        + " bits init, ["
        + minBits
        + ", "
        + maxBits
        + "]"
        + (powerOfTwo ? ", power of two" : "")
        + (delay > 0 ? ", from step " + delay : "")
        + ")";
  }
}
