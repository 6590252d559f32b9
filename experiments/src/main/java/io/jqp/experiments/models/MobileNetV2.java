package io.jqp.experiments.models;

import io.jqp.engine.tf.TfModelDef;
import io.jqp.engine.tf.TfNetwork;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A MobileNetV2-style classifier reduced to fit two cores (Sandler et al.): a 3×3 stem, inverted
 * residual blocks (1×1 expansion, 3×3 depthwise, linear 1×1 projection, residual add where shapes
 * allow) with ReLU6, a 1×1 head, global average pooling and a dense classifier. Every convolution
 * is followed by batch norm and its activation site (JQP §3: conv → BN → prune → quantize → ReLU6);
 * the projections are linear.
 *
 * <p>Default configuration for 32×32 inputs: stem 16; blocks (expansion, channels, repeats, stride)
 * = (1, 16, 1, 1), (4, 24, 2, 2), (4, 32, 2, 2), (4, 64, 2, 2); head 128; about 60 k weights.
 */
public final class MobileNetV2 implements TfModelDef {
  private static final int[][] BLOCKS = {
    {1, 16, 1, 1}, {4, 24, 2, 2}, {4, 32, 2, 2}, {4, 64, 2, 2}
  };
  private final int classes;

  public MobileNetV2(int classes) {
    this.classes = classes;
  }

  @Override
  public Operand<TFloat32> build(TfNetwork net, Operand<TFloat32> input) {
    Operand<TFloat32> x = convBn(net, "stem", input, 16, 3, 1, true);
    int b = 0;
    for (int[] spec : BLOCKS) {
      for (int r = 0; r < spec[2]; r++) {
        x = invertedResidual(net, "block" + (++b), x, spec[0], spec[1], r == 0 ? spec[3] : 1);
      }
    }
    x = convBn(net, "head", x, 128, 1, 1, true);
    x = net.globalAvgPool(x);
    return net.dense("classifier", x, classes, true);
  }

  private static Operand<TFloat32> convBn(
      TfNetwork net,
      String name,
      Operand<TFloat32> x,
      int filters,
      int kernel,
      int stride,
      boolean relu6) {
    Operand<TFloat32> y = net.conv2d(name, x, filters, kernel, stride, "SAME", false);
    y = net.activationSite(name, net.batchNorm(name + "/bn", y));
    return relu6 ? net.relu6(y) : y;
  }

  private static Operand<TFloat32> invertedResidual(
      TfNetwork net, String name, Operand<TFloat32> x, int expansion, int out, int stride) {
    long in = x.shape().get(3);
    Operand<TFloat32> y = x;
    if (expansion != 1) {
      y = convBn(net, name + "_expand", y, (int) in * expansion, 1, 1, true);
    }
    String dw = name + "_dw";
    y = net.depthwiseConv2d(dw, y, 3, stride, "SAME", false);
    y = net.relu6(net.activationSite(dw, net.batchNorm(dw + "/bn", y)));
    y = convBn(net, name + "_project", y, out, 1, 1, false);
    return stride == 1 && in == out ? net.add(x, y) : y;
  }

  @Override
  public String toString() {
    return "MobileNetV2(" + classes + ")";
  }
}
