package io.jqp.plugins.djpq;

import io.jqp.api.GraphOps;
import io.jqp.api.JqpException;
import io.jqp.api.Pruner;
import io.jqp.api.SiteContext;
import io.jqp.api.SiteKind;
import io.jqp.api.StateVariable;
import io.jqp.api.Tensor;

/**
 * Variational-information-bottleneck channel gates (DJPQ, SPEC §10) at an activation site: per
 * output channel j a gate z ~ N(μ_j, σ_j²) multiplies the channel, sampled per example in training;
 * in evaluation the gate is μ_j·mask_j, where a channel is kept when log α_j = log σ_j² − log μ_j²
 * &lt; θ. The KL term of the layer, KL = ½ Σ_j log(1 + μ_j²/σ_j²), is added to the loss with weight
 * γ.
 *
 * <p>Published for {@link BopsCost}: "keep", the kept fraction of channels — the hard fraction in
 * value with the gradient of the soft fraction mean_j sigmoid(θ − log α_j) (a choice of ours: the
 * paper's surrogate is not given). From step {@code freezeAt} (the two-stage baseline's second
 * stage) the gates are deterministic (μ·mask), receive no gradient and add no KL.
 *
 * @param gamma weight of the KL term, &gt;= 0
 * @param threshold θ on log α
 * @param muInit initial μ (paper: about 1)
 * @param logSigma2Init initial log σ² (paper: about −9)
 * @param freezeAt step from which the gates are fixed; -1 = never
 */
public record VibGate(
    double gamma, double threshold, double muInit, double logSigma2Init, long freezeAt)
    implements Pruner {

  public VibGate {
    if (gamma < 0) {
      throw new JqpException("vib: gamma must be >= 0, got " + gamma);
    }
    if (freezeAt < -1) {
      throw new JqpException("vib: freezeAt must be >= 0 steps or -1 (never), got " + freezeAt);
    }
  }

  @Override
  public Tensor prune(GraphOps ops, Tensor x, SiteContext ctx) {
    if (ctx.site().kind() != SiteKind.ACTIVATION) {
      throw new JqpException(
          "pruner 'vib' gates the output channels of a layer at its activation site, but was given "
              + ctx.site().name());
    }
    int rank = ctx.site().shape().size() + 1;
    long channels = ctx.site().shape().get(rank - 2);
    StateVariable mu = ctx.parameter("mu", ops.fill(muInit, channels));
    StateVariable logSigma2 = ctx.parameter("log_sigma2", ops.fill(logSigma2Init, channels));
    StateVariable frozen = ctx.state("frozen", ops.constant(0));
    if (freezeAt >= 0) {
      ctx.onUpdate(step -> step == freezeAt, frozen.assign(ops.constant(1)));
    }
    Tensor live = ops.sub(ops.constant(1), frozen.read());
    // frozen: the same values, no gradient
    Tensor m =
        ops.add(ops.mul(live, mu.read()), ops.mul(frozen.read(), ops.stopGradient(mu.read())));
    Tensor ls2 =
        ops.add(
            ops.mul(live, logSigma2.read()),
            ops.mul(frozen.read(), ops.stopGradient(logSigma2.read())));
    Tensor m2 = ops.add(ops.square(m), ops.constant(1e-12));
    Tensor logAlpha = ops.sub(ls2, ops.log(m2));
    Tensor keepMask = ops.less(ops.stopGradient(logAlpha), ops.constant(threshold));
    Tensor kl =
        ops.mul(
            ops.constant(0.5),
            ops.sum(
                ops.log(ops.add(ops.constant(1), ops.mul(m2, ops.exp(ops.neg(ls2))))), false, 0));
    ctx.addLoss(ops.mul(ops.mul(ops.constant(gamma), live), kl));
    ctx.report("kl", kl);
    ctx.report("kept", ops.sum(keepMask, false, 0));
    ctx.report("channels", ops.constant(channels));
    ctx.report("sparsity", ops.sub(ops.constant(1), ops.mean(keepMask, false, 0)));
    Tensor soft =
        ops.div(
            ops.constant(1),
            ops.add(ops.constant(1), ops.exp(ops.sub(logAlpha, ops.constant(threshold)))));
    Tensor softKeep = ops.mean(soft, false, 0);
    Tensor hardKeep = ops.mean(keepMask, false, 0);
    ctx.publish("keep", ops.add(hardKeep, ops.sub(softKeep, ops.stopGradient(softKeep))));
    int[] spatial = new int[rank - 2];
    for (int i = 0; i < spatial.length; i++) {
      spatial[i] = i + 1;
    }
    Tensor noise = ops.normalNoise(x, spatial);
    Tensor sampled = ops.add(m, ops.mul(ops.exp(ops.mul(ops.constant(0.5), ls2)), noise));
    Tensor deterministic = ops.mul(m, keepMask);
    Tensor stochastic = ops.mul(ctx.training(), live);
    Tensor z =
        ops.add(
            ops.mul(stochastic, sampled),
            ops.mul(ops.sub(ops.constant(1), stochastic), deterministic));
    return ops.mul(x, z);
  }

  @Override
  public String toString() {
    return "Djpq.gate(γ "
        + gamma
        + ", θ "
        + threshold
        + ", μ0 "
        + muInit
        + ", log σ²0 "
        + logSigma2Init
        + (freezeAt >= 0 ? ", frozen from step " + freezeAt : "")
        + ")";
  }
}
