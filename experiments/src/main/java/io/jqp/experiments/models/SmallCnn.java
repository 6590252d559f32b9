package io.jqp.experiments.models;

import io.jqp.engine.tf.TfModelDef;
import io.jqp.engine.tf.TfNetwork;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The small classifier of the foundation runs: two 3×3 convolutions (32, 64 filters) each followed by batch
 * norm, the activation site, ReLU and 2×2 max pooling; a 128-unit hidden layer; a 10-way output whose logits
 * are the last activation site. Layer order conv1, conv2, fc1, fc2: conv1 and fc2 are the first and last layers.
 */
public final class SmallCnn implements TfModelDef {
  private final int classes;

  public SmallCnn(int classes) {
    this.classes = classes;
  }

  @Override
  public Operand<TFloat32> build(TfNetwork net, Operand<TFloat32> input) {
    Operand<TFloat32> x = block(net, "conv1", input, 32);
    x = block(net, "conv2", x, 64);
    x = net.flatten(x);
    x = net.dense("fc1", x, 128, false);
    x = net.relu(net.activationSite("fc1", net.batchNorm("fc1/bn", x)));
    x = net.dense("fc2", x, classes, true);
    return net.activationSite("fc2", x);
  }

  private static Operand<TFloat32> block(TfNetwork net, String name, Operand<TFloat32> x, int filters) {
    x = net.conv2d(name, x, filters, 3, 1, "SAME", false);
    x = net.activationSite(name, net.batchNorm(name + "/bn", x));
    return net.maxPool(net.relu(x), 2, 2, "SAME");
  }

  @Override
  public String toString() {
    return "SmallCnn(" + classes + ")";
  }
}
