package io.jqp.experiments.models;

import io.jqp.engine.tf.TfModelDef;
import io.jqp.engine.tf.TfNetwork;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The small classifier of the foundation runs: two 3×3 convolutions (32, 64 filters) each followed
 * by batch norm, the activation site, ReLU and 2×2 max pooling; a 128-unit hidden layer (batch
 * norm, activation site, ReLU); a 10-way output layer. Layer order conv1, conv2, fc1, fc2: conv1
 * and fc2 are the first and last layers.
 *
 * <p>Activation sites are the hidden feature maps, the tensors a later layer reads and an
 * accelerator must store. The logits are the network's output and feed the loss directly: they are
 * not an activation site (quantizing them with a d fixed on the first batch would cap them at
 * ±2^(N−1−d), ±4 at 8 bits here). The last layer's weights are quantized like every other layer's
 * (JQP §3).
 */
public final class SmallCnn implements TfModelDef {
  private final int classes;
  private final int width;
  private final int[] filters;

  public SmallCnn(int classes) {
    this(classes, 1);
  }

  /** With every layer's filters and units multiplied by {@code width}. */
  public SmallCnn(int classes, int width) {
    this(classes, width, new int[] {32, 64});
  }

  /**
   * With one conv block per entry of {@code filters} (times {@code width}); {@code {16, 32, 64}} is
   * the three-block net of the PyTorch twin ({@code cnn3}).
   */
  public SmallCnn(int classes, int width, int[] filters) {
    this.classes = classes;
    this.width = width;
    this.filters = filters.clone();
  }

  @Override
  public Operand<TFloat32> build(TfNetwork net, Operand<TFloat32> input) {
    Operand<TFloat32> x = input;
    for (int i = 0; i < filters.length; i++) {
      x = block(net, "conv" + (i + 1), x, filters[i] * width);
    }
    x = net.flatten(x);
    x = net.dense("fc1", x, 128 * width, false);
    x = net.relu(net.activationSite("fc1", net.batchNorm("fc1/bn", x)));
    return net.dense("fc2", x, classes, true);
  }

  private static Operand<TFloat32> block(
      TfNetwork net, String name, Operand<TFloat32> x, int filters) {
    x = net.conv2d(name, x, filters, 3, 1, "SAME", false);
    x = net.activationSite(name, net.batchNorm(name + "/bn", x));
    return net.maxPool(net.relu(x), 2, 2, "SAME");
  }

  @Override
  public String toString() {
    String f = filters.length == 2 ? "" : ", " + java.util.Arrays.toString(filters);
    return width == 1 && f.isEmpty()
        ? "SmallCnn(" + classes + ")"
        : "SmallCnn(" + classes + ", " + width + f + ")";
  }
}
