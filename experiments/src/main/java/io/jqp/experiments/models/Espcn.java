package io.jqp.experiments.models;

import io.jqp.engine.tf.TfModelDef;
import io.jqp.engine.tf.TfNetwork;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * ESPCN (Shi et al. 2016) for ×{@code scale} super-resolution of the luminance channel: a 5×5
 * convolution with 64 filters, a 3×3 convolution with 32, and a 3×3 convolution to scale² channels
 * rearranged into the high-resolution image by a sub-pixel shuffle (depth-to-space). "SAME"
 * padding, so any input size works and the output is exactly {@code scale} times larger.
 *
 * <p>The two hidden feature maps are activation sites (conv → prune → quantize → ReLU, JQP §3;
 * there is no batch norm, as in ESPCN). ReLU replaces the original tanh, as in most later ESPCN
 * implementations. The output is the reconstructed image and, like the logits of the classifiers,
 * not an activation site; the last layer's weights are quantized like the others. Biases stay in
 * full precision. conv1 and conv3 are the first and last layers, so only conv2 is pruned (JQP §3).
 */
public final class Espcn implements TfModelDef {
  private final int scale;

  public Espcn(int scale) {
    if (scale < 2 || scale > 4) {
      throw new IllegalArgumentException("scale must be 2, 3 or 4, got " + scale);
    }
    this.scale = scale;
  }

  @Override
  public Operand<TFloat32> build(TfNetwork net, Operand<TFloat32> input) {
    Operand<TFloat32> x =
        net.relu(net.activationSite("conv1", net.conv2d("conv1", input, 64, 5, 1, "SAME", true)));
    x = net.relu(net.activationSite("conv2", net.conv2d("conv2", x, 32, 3, 1, "SAME", true)));
    x = net.conv2d("conv3", x, scale * scale, 3, 1, "SAME", true);
    return net.depthToSpace(x, scale);
  }

  @Override
  public String toString() {
    return "Espcn(x" + scale + ")";
  }
}
