package io.jqp.engine.tf;

import io.jqp.api.LayerKind;
import io.jqp.api.Recipe;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/**
 * Builds a network in a TensorFlow graph, layer by layer. Every weighted layer's kernel is a weight
 * site, transformed as Q(P(W)); {@link #activationSite} marks an activation site, transformed prune
 * → quantize (JQP §3: conv → BN → prune → quantize → ReLU). Which strategies act where comes from
 * the {@link Recipe}. Layers are numbered in the order they are created, which is also the order of
 * site updates.
 *
 * <p>Weights are initialised on the host from the seed (He normal), so a seed fixes the initial
 * network.
 */
public final class TfNetwork extends TfSites {

  TfNetwork(
      Graph graph,
      Recipe recipe,
      long seed,
      int batchSize,
      List<String> layerOrder,
      boolean discovery) {
    super(graph, "", recipe, seed, batchSize, layerOrder, discovery, null);
  }

  /** One phase's build of a model's only network (see {@link TfSites.Phase}). */
  TfNetwork(
      Graph graph,
      Recipe recipe,
      long seed,
      int batchSize,
      List<String> layerOrder,
      TfSites.Phase phase) {
    super(graph, "", recipe, seed, batchSize, layerOrder, false, phase);
  }

  /**
   * @param name the network's name in a graph that holds several (a name scope for its ops); "" for
   *     a model's only network
   * @param layerOrder weighted layer names in build order, from a first discovery pass; empty for
   *     that pass
   */
  TfNetwork(
      Graph graph,
      String name,
      Recipe recipe,
      long seed,
      int batchSize,
      List<String> layerOrder,
      boolean discovery) {
    super(graph, name, recipe, seed, batchSize, layerOrder, discovery, null);
  }

  // ---------------------------------------------------------------- layers

  /** 2-D convolution, NHWC, kernel k×k, "SAME" or "VALID" padding. */
  public Operand<TFloat32> conv2d(
      String name,
      Operand<TFloat32> x,
      int filters,
      int kernel,
      int stride,
      String padding,
      boolean bias) {
    int index = registerLayer(name, LayerKind.CONV2D);
    long in = x.shape().get(3);
    long[] shape = {kernel, kernel, in, filters};
    Operand<TFloat32> w =
        weightSite(
            name,
            index,
            shape,
            trainable(name + "/kernel", () -> heNormal(shape, kernel * kernel * in), shape, true));
    Operand<TFloat32> y =
        tf.nn.conv2d(x, w, List.of(1L, (long) stride, (long) stride, 1L), checkPadding(padding));
    macs(name, (long) kernel * kernel * in * filters * spatial(y));
    return bias
        ? tf.nn.biasAdd(
            y, trainable(name + "/bias", () -> new float[filters], new long[] {filters}, false))
        : y;
  }

  /** Depthwise 2-D convolution with channel multiplier 1. */
  public Operand<TFloat32> depthwiseConv2d(
      String name, Operand<TFloat32> x, int kernel, int stride, String padding, boolean bias) {
    int index = registerLayer(name, LayerKind.DEPTHWISE_CONV2D);
    long in = x.shape().get(3);
    long[] shape = {kernel, kernel, in, 1};
    Operand<TFloat32> w =
        weightSite(
            name,
            index,
            shape,
            trainable(
                name + "/kernel", () -> heNormal(shape, (long) kernel * kernel), shape, true));
    Operand<TFloat32> y =
        tf.nn.depthwiseConv2dNative(
            x, w, List.of(1L, (long) stride, (long) stride, 1L), checkPadding(padding));
    macs(name, (long) kernel * kernel * in * spatial(y));
    return bias
        ? tf.nn.biasAdd(
            y, trainable(name + "/bias", () -> new float[(int) in], new long[] {in}, false))
        : y;
  }

  /** Transposed 2-D convolution (output size = input size × stride with "SAME" padding). */
  public Operand<TFloat32> transposedConv2d(
      String name,
      Operand<TFloat32> x,
      int filters,
      int kernel,
      int stride,
      String padding,
      boolean bias) {
    int index = registerLayer(name, LayerKind.TRANSPOSED_CONV2D);
    long in = x.shape().get(3);
    long[] shape = {kernel, kernel, filters, in};
    Operand<TFloat32> w =
        weightSite(
            name,
            index,
            shape,
            trainable(
                name + "/kernel", () -> heNormal(shape, (long) kernel * kernel * in), shape, true));
    String pad = checkPadding(padding);
    long h = x.shape().get(1);
    long wd = x.shape().get(2);
    long oh = pad.equals("SAME") ? h * stride : (h - 1) * stride + kernel;
    long ow = pad.equals("SAME") ? wd * stride : (wd - 1) * stride + kernel;
    Operand<org.tensorflow.types.TInt32> batch =
        tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<org.tensorflow.types.TInt32> outShape =
        tf.concat(
            List.of(batch, tf.constant(new int[] {(int) oh, (int) ow, filters})), tf.constant(0));
    Operand<TFloat32> y =
        tf.nn.conv2dBackpropInput(
            outShape, w, x, List.of(1L, (long) stride, (long) stride, 1L), pad);
    y = tf.reshape(y, tf.constant(new long[] {-1, oh, ow, filters}));
    macs(name, (long) kernel * kernel * in * filters * Math.max(0, h * wd));
    return bias
        ? tf.nn.biasAdd(
            y, trainable(name + "/bias", () -> new float[filters], new long[] {filters}, false))
        : y;
  }

  /** Fully connected layer on a 2-D input. */
  public Operand<TFloat32> dense(String name, Operand<TFloat32> x, int units, boolean bias) {
    int index = registerLayer(name, LayerKind.DENSE);
    long in = x.shape().get(1);
    long[] shape = {in, units};
    Operand<TFloat32> w =
        weightSite(
            name,
            index,
            shape,
            trainable(name + "/kernel", () -> heNormal(shape, in), shape, true));
    Operand<TFloat32> y = tf.linalg.matMul(x, w);
    macs(name, in * units);
    return bias
        ? tf.nn.biasAdd(
            y, trainable(name + "/bias", () -> new float[units], new long[] {units}, false))
        : y;
  }

  /**
   * Batch normalisation over all axes but the last: batch statistics while training (and moving
   * averages updated with {@code momentum}), moving averages in evaluation. A model's phased builds
   * (inputs of rank 2 or 4) run TensorFlow's fused kernel; elsewhere (several networks in one
   * graph, the strategy harness) the run-time training flag selects the statistics.
   */
  public Operand<TFloat32> batchNorm(
      String name, Operand<TFloat32> x, float momentum, float epsilon) {
    int rank = x.shape().numDimensions();
    long c = x.shape().get(rank - 1);
    int[] axes = new int[rank - 1];
    for (int i = 0; i < rank - 1; i++) {
      axes[i] = i;
    }
    long[] cs = {c};
    Operand<TFloat32> gamma = trainable(name + "/gamma", () -> filled(cs, 1f), cs, false);
    Operand<TFloat32> beta = trainable(name + "/beta", () -> new float[(int) c], cs, false);
    Variable<TFloat32> movingMean =
        newVariable(
            name + "/moving_mean",
            tf.constant(Shape.of(c), DataBuffers.of(new float[(int) c], true, false)));
    Variable<TFloat32> movingVar =
        newVariable(
            name + "/moving_variance",
            tf.constant(Shape.of(c), DataBuffers.of(filled(cs, 1f), true, false)));
    if (phase != null && (rank == 4 || rank == 2)) {
      return fusedBatchNorm(x, gamma, beta, movingMean, movingVar, momentum, epsilon);
    }
    Operand<TFloat32> batchMean = tf.math.mean(x, tf.constant(axes), Mean.keepDims(false));
    Operand<TFloat32> centered = tf.math.sub(x, batchMean);
    Operand<TFloat32> batchVar =
        tf.math.mean(tf.math.square(centered), tf.constant(axes), Mean.keepDims(false));
    updateMovingAverage(movingMean, batchMean, momentum);
    updateMovingAverage(movingVar, batchVar, momentum);
    Operand<TFloat32> notTraining = tf.math.sub(tf.constant(1f), training);
    Operand<TFloat32> mean =
        tf.math.add(tf.math.mul(training, batchMean), tf.math.mul(notTraining, movingMean));
    Operand<TFloat32> var =
        tf.math.add(tf.math.mul(training, batchVar), tf.math.mul(notTraining, movingVar));
    Operand<TFloat32> scale =
        tf.math.mul(gamma, tf.math.rsqrt(tf.math.add(var, tf.constant(epsilon))));
    return tf.math.add(tf.math.mul(tf.math.sub(x, mean), scale), beta);
  }

  /**
   * Batch norm as TensorFlow's fused kernel (one pass forward, one backward), in the mode of this
   * build: batch statistics in a training build, moving averages in an evaluation build. The moving
   * variance follows the kernel's batch variance, which is Bessel-corrected (as PyTorch's running
   * variance is); the normalisation itself uses the biased one.
   */
  private Operand<TFloat32> fusedBatchNorm(
      Operand<TFloat32> x,
      Operand<TFloat32> gamma,
      Operand<TFloat32> beta,
      Variable<TFloat32> movingMean,
      Variable<TFloat32> movingVar,
      float momentum,
      float epsilon) {
    boolean flat = x.shape().numDimensions() == 2;
    long c = x.shape().get(x.shape().numDimensions() - 1);
    Operand<TFloat32> in = flat ? tf.reshape(x, tf.constant(new long[] {-1, 1, 1, c})) : x;
    Operand<TFloat32> y;
    if (java.util.Objects.requireNonNull(phase).training()) {
      Operand<TFloat32> none = tf.constant(new float[0]);
      FusedBatchNorm<TFloat32, TFloat32> bn =
          tf.nn.fusedBatchNorm(
              in,
              gamma,
              beta,
              none,
              none,
              FusedBatchNorm.epsilon(epsilon),
              FusedBatchNorm.isTraining(true));
      updateMovingAverage(movingMean, bn.batchMean(), momentum);
      updateMovingAverage(movingVar, bn.batchVariance(), momentum);
      y = bn.y();
    } else {
      y =
          tf.nn
              .fusedBatchNorm(
                  in,
                  gamma,
                  beta,
                  movingMean,
                  movingVar,
                  FusedBatchNorm.epsilon(epsilon),
                  FusedBatchNorm.isTraining(false))
              .y();
    }
    return flat ? tf.reshape(y, tf.constant(new long[] {-1, c})) : y;
  }

  /** Adds the training update {@code average ← momentum·average + (1 − momentum)·batch}. */
  private void updateMovingAverage(
      Variable<TFloat32> average, Operand<TFloat32> batch, float momentum) {
    trainingUpdates.add(
        tf.assign(
            average,
            tf.math.add(
                tf.math.mul(average, tf.constant(momentum)),
                tf.math.mul(tf.stopGradient(batch), tf.constant(1f - momentum)))));
  }

  public Operand<TFloat32> batchNorm(String name, Operand<TFloat32> x) {
    return batchNorm(name, x, 0.9f, 1e-3f);
  }

  public Operand<TFloat32> relu(Operand<TFloat32> x) {
    // after an activation site quantized by jqp's kernel, the kernel computes the ReLU too
    Operand<TFloat32> fused = ops.reluOfQuantized(x);
    return fused != null ? fused : tf.nn.relu(x);
  }

  public Operand<TFloat32> relu6(Operand<TFloat32> x) {
    return tf.nn.relu6(x);
  }

  public Operand<TFloat32> tanh(Operand<TFloat32> x) {
    return tf.math.tanh(x);
  }

  public Operand<TFloat32> leakyRelu(Operand<TFloat32> x, float alpha) {
    return tf.nn.leakyRelu(x, LeakyRelu.alpha(alpha));
  }

  /**
   * TensorFlow's {@code MaxPool}, window and stride as attributes, not the {@code MaxPoolV2} that
   * {@code tf.nn.maxPool} builds (window and stride as tensors): oneDNN's graph rewrite takes only
   * the former, whose gradient then runs about ten times faster on the CPU (conv1's 1.6 M
   * activations of the small CNN: 7.5 against 0.7 ms), with the same bits, ties included ({@code
   * MaxPoolTest}).
   */
  public Operand<TFloat32> maxPool(Operand<TFloat32> x, int size, int stride, String padding) {
    String checked = checkPadding(padding);
    return tf.scope()
        .opBuilder("MaxPool", "MaxPool")
        .addInput(x.asOutput())
        .setAttr("ksize", new long[] {1, size, size, 1})
        .setAttr("strides", new long[] {1, stride, stride, 1})
        .setAttr("padding", checked)
        .build()
        .<TFloat32>output(0);
  }

  public Operand<TFloat32> avgPool(Operand<TFloat32> x, int size, int stride, String padding) {
    return tf.nn.avgPool(
        x,
        List.of(1L, (long) size, (long) size, 1L),
        List.of(1L, (long) stride, (long) stride, 1L),
        checkPadding(padding));
  }

  /** Mean over the spatial axes: N×H×W×C → N×C. */
  public Operand<TFloat32> globalAvgPool(Operand<TFloat32> x) {
    return tf.math.mean(x, tf.constant(new int[] {1, 2}), Mean.keepDims(false));
  }

  /** Residual addition of two equal-shaped tensors. */
  public Operand<TFloat32> add(Operand<TFloat32> a, Operand<TFloat32> b) {
    return tf.math.add(a, b);
  }

  public Operand<TFloat32> depthToSpace(Operand<TFloat32> x, int block) {
    return tf.nn.depthToSpace(x, (long) block);
  }

  /** Flattens all axes but the first. */
  public Operand<TFloat32> flatten(Operand<TFloat32> x) {
    long n = 1;
    for (int i = 1; i < x.shape().numDimensions(); i++) {
      n *= x.shape().get(i);
    }
    return tf.reshape(x, tf.constant(new long[] {-1, n}));
  }

  /**
   * Inverted dropout while training (drops with probability {@code rate}); identity in evaluation.
   */
  public Operand<TFloat32> dropout(Operand<TFloat32> x, float rate) {
    if (rate <= 0) {
      return x;
    }
    Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.shape(x), ops.randomKey());
    Operand<TFloat32> keep =
        tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant(rate)), TFloat32.class);
    Operand<TFloat32> dropped = tf.math.mul(x, tf.math.div(keep, tf.constant(1f - rate)));
    return tf.math.add(
        tf.math.mul(training, dropped), tf.math.mul(tf.math.sub(tf.constant(1f), training), x));
  }

  /** Output positions of an NHWC tensor (0 when its size is unknown, e.g. in an inference copy). */
  private static long spatial(Operand<TFloat32> y) {
    long h = y.shape().get(1);
    long w = y.shape().get(2);
    return h < 0 || w < 0 ? 0 : h * w;
  }

  private static String checkPadding(String padding) {
    String p = padding.toUpperCase(java.util.Locale.ROOT);
    if (!p.equals("SAME") && !p.equals("VALID")) {
      throw new IllegalArgumentException("padding must be SAME or VALID, got " + padding);
    }
    return p;
  }

  // ---------------------------------------------------------------- users' layers

  /**
   * The public hook for a weighted layer a user writes: registers layer {@code name} of {@code
   * kind}, creates its kernel of {@code shape} (He normal over {@code fanIn}, with weight decay)
   * and returns it through the layer's weight site, Q(P(W)) as the recipe says. Record the layer's
   * multiply-accumulates per example with {@link #recordMacs} (they feed BOPs), and mark its output
   * with {@link #activationSite} like any built-in layer.
   */
  public Operand<TFloat32> weight(String name, LayerKind kind, long[] shape, long fanIn) {
    int index = registerLayer(name, kind);
    return weightSite(
        name, index, shape, trainable(name + "/kernel", () -> heNormal(shape, fanIn), shape, true));
  }

  /**
   * A bias (or any other) trainable vector of a user's layer, zero-initialised, no weight decay, no
   * site.
   */
  public Operand<TFloat32> bias(String name, int size) {
    return trainable(name + "/bias", () -> new float[size], new long[] {size}, false);
  }

  /**
   * Records the multiply-accumulates of one example through a user's weighted layer (for BOPs, SPEC
   * §10).
   */
  public void recordMacs(String layer, long perExample) {
    if (!layerKinds.containsKey(layer)) {
      throw new IllegalArgumentException(
          "recordMacs names unknown layer '" + layer + "'; create it with weight(...) first");
    }
    macs(layer, perExample);
  }

  // ---------------------------------------------------------------- initialisation

  float[] heNormal(long[] shape, long fanIn) {
    int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] w = new float[n];
    double std = Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < n; i++) {
      w[i] = (float) (random.nextGaussian() * std);
    }
    return w;
  }

  static float[] filled(long[] shape, float value) {
    float[] a = new float[(int) Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
    Arrays.fill(a, value);
    return a;
  }
}
