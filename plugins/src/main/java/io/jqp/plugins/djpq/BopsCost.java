package io.jqp.plugins.djpq;

import io.jqp.api.CostTerm;
import io.jqp.api.GraphOps;
import io.jqp.api.JqpException;
import io.jqp.api.Tensor;
import java.util.List;

/**
 * DJPQ's BOPs cost (SPEC §10): β · Σ_l BOPs_l / BOPs_fp32 with BOPs_l = MACs_l · (1 − p_{l−1}) · (1
 * − p_l) · b_w,l · b_a,l−1 and BOPs_fp32 = Σ_l MACs_l · 32 · 32. Bits and kept fractions are what
 * the sites published ("bits" by {@link DjpqQuantizer}, "keep" by {@link VibGate}); a site without
 * them counts 32 bits and keeps every channel.
 *
 * <p>Choices of ours: layers are taken as a chain in build order (layer l−1 feeds layer l; a
 * residual branch is counted along that order); the network input has {@code inputBits} (8: images
 * are 8-bit data) and no pruned channels.
 *
 * @param beta weight of the cost, &gt;= 0
 * @param inputBits bits of the network input
 */
public record BopsCost(double beta, double inputBits) implements CostTerm {

  public BopsCost {
    if (beta < 0) {
      throw new JqpException("beta must be >= 0, got " + beta);
    }
  }

  @Override
  public Tensor loss(GraphOps ops, List<Layer> layers) {
    double fp32 = 0;
    Tensor total = ops.constant(0);
    Tensor prevKeep = ops.constant(1);
    Tensor prevBits = ops.constant(inputBits);
    for (Layer l : layers) {
      fp32 += l.macs() * 32.0 * 32.0;
      Tensor bw = l.weight().getOrDefault("bits", ops.constant(32));
      Tensor keep = l.activation().getOrDefault("keep", ops.constant(1));
      Tensor bops =
          ops.mul(ops.constant(l.macs()), ops.mul(ops.mul(prevKeep, keep), ops.mul(bw, prevBits)));
      total = ops.add(total, bops);
      prevKeep = keep;
      prevBits = l.activation().getOrDefault("bits", ops.constant(32));
    }
    if (fp32 == 0) {
      return ops.constant(0);
    }
    return ops.mul(ops.constant(beta / fp32), total);
  }

  /**
   * One layer's numbers as reported after training: MACs, weight bits and density (1 − unstructured
   * weight sparsity), activation bits, kept fraction of output channels.
   */
  public record LayerNumbers(
      String name,
      long macs,
      double weightBits,
      double weightDensity,
      double activationBits,
      double keep) {}

  /**
   * Per-layer BOPs on the host, with the same chain rule as the cost; unstructured weight sparsity
   * counts as skipped MACs (for the magnitude-pruning baseline).
   */
  public static double[] perLayer(List<LayerNumbers> layers, double inputBits) {
    double[] out = new double[layers.size()];
    double prevKeep = 1;
    double prevBits = inputBits;
    for (int i = 0; i < out.length; i++) {
      LayerNumbers l = layers.get(i);
      out[i] = l.macs() * prevKeep * l.keep() * l.weightDensity() * l.weightBits() * prevBits;
      prevKeep = l.keep();
      prevBits = l.activationBits();
    }
    return out;
  }

  @Override
  public String toString() {
    return "Djpq.bops(β " + beta + ", input " + inputBits + " bits)";
  }
}
