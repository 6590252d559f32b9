package io.jqp.engine.tf;

import io.jqp.api.LayerKind;
import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.Recipe;
import io.jqp.api.Site;
import io.jqp.api.SiteKind;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * One site in a graph of its own, to test a quantizer and pruner in isolation: feed x (a batch for
 * an activation site, the tensor itself for a weight site), run the strategy updates of a step,
 * read the forward value and the gradient of {@code Σ y·upstream} with respect to x. Strategy
 * authors use it in their contract tests.
 */
public final class TfStrategyHarness implements AutoCloseable {
  private final Graph graph = new Graph();
  private final TfNetwork net;
  private final Session session;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TFloat32> upstream;
  private final Operand<TFloat32> y;
  private final Output<?> gradient;
  private final Site site;

  /**
   * @param kind weight (x has exactly {@code shape}) or activation (x is a batch of samples of
   *     {@code shape})
   * @param shape the site's shape
   */
  public TfStrategyHarness(SiteKind kind, long[] shape, Quantizer quantizer, Pruner pruner) {
    this(kind, shape, kind == SiteKind.WEIGHT ? shape : prepend(shape), 1, quantizer, pruner);
  }

  /**
   * @param inputShape the placeholder's shape: {@code shape} for weights; for activations -1 batch
   *     and, to test mask tiling, -1 spatial dimensions
   * @param batchSize the training batch size strategies are told
   */
  public TfStrategyHarness(
      SiteKind kind,
      long[] shape,
      long[] inputShape,
      int batchSize,
      Quantizer quantizer,
      Pruner pruner) {
    this.net =
        new TfNetwork(
            graph,
            new Recipe(quantizer, pruner, quantizer, pruner, true),
            1,
            batchSize,
            List.of("layer"),
            false);
    Ops tf = net.tf();
    long[] full = inputShape;
    this.x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(full)));
    this.upstream =
        tf.withName("upstream").placeholder(TFloat32.class, Placeholder.shape(Shape.of(full)));
    this.site =
        new Site("layer", LayerKind.DENSE, kind, Arrays.stream(shape).boxed().toList(), 0, 1);
    Operand<TFloat32> xr = tf.identity(x);
    this.y = net.applySite(site, xr);
    Operand<TFloat32> objective =
        tf.sum(tf.math.mul(y, upstream), tf.constant(allAxes(full.length)));
    this.gradient = graph.addGradients(objective.asOutput(), new Output<?>[] {xr.asOutput()})[0];
    this.session = new Session(graph);
    session.run(tf.withControlDependencies(net.initializers()).noOp());
  }

  private static long[] prepend(long[] shape) {
    long[] s = new long[shape.length + 1];
    s[0] = -1;
    System.arraycopy(shape, 0, s, 1, shape.length);
    return s;
  }

  private static int[] allAxes(int rank) {
    int[] a = new int[rank];
    for (int i = 0; i < rank; i++) {
      a[i] = i;
    }
    return a;
  }

  public Site site() {
    return site;
  }

  private TFloat32 tensor(float[] values) {
    // training-sized input: the site's own shape (the placeholder may leave spatial sizes open)
    long[] shape =
        site.kind() == SiteKind.WEIGHT
            ? x.shape().asArray()
            : prepend(site.shape().stream().mapToLong(Long::longValue).toArray());
    return tensor(values, shape);
  }

  private static TFloat32 tensor(float[] values, long[] s) {
    if (s[0] == -1) {
      long per = Arrays.stream(s, 1, s.length).reduce(1, (a, b) -> a * b);
      s[0] = values.length / per;
    }
    return TFloat32.tensorOf(Shape.of(s), DataBuffers.of(values, true, false));
  }

  private static float[] read(Result r, int i) {
    TFloat32 t = (TFloat32) r.get(i);
    float[] a = new float[(int) t.shape().size()];
    t.asRawTensor().data().asFloats().read(a);
    return a;
  }

  /** Runs the updates registered for {@code step}, with {@code input} fed; returns how many ran. */
  public int runUpdates(long step, float[] input) {
    return run(net.siteUpdates(), step, input);
  }

  /**
   * Runs the observers registered for {@code step} (as a training step would), with {@code input}
   * fed.
   */
  public int runObservers(long step, float[] input) {
    return run(net.observers(), step, input);
  }

  /**
   * The site's output for an input of the given shape (e.g. a larger evaluation image, for mask
   * tiling).
   */
  public float[] forward(float[] input, long[] shape) {
    try (TFloat32 in = tensor(input, shape.clone());
        Result r = session.runner().feed(x, in).fetch(y).run()) {
      return read(r, 0);
    }
  }

  private int run(List<TfNetwork.SiteUpdate> updates, long step, float[] input) {
    int n = 0;
    try (TFloat32 in = tensor(input);
        TFloat32 on = TFloat32.scalarOf(1f)) {
      for (TfNetwork.SiteUpdate u : updates) {
        if (!u.when().test(step)) {
          continue;
        }
        Session.Runner r =
            session.runner().feed(x, in).feed(net.trainingFlag(), on).addTarget(u.op());
        List<TFloat32> fed = new java.util.ArrayList<>();
        for (TfNetwork.Scheduled s : net.scheduledValues()) {
          TFloat32 v = TFloat32.scalarOf((float) s.schedule().valueAt(step));
          fed.add(v);
          r.feed(s.placeholder(), v);
        }
        r.run().close();
        fed.forEach(TFloat32::close);
        n++;
      }
    }
    return n;
  }

  /** The site's output for {@code input}. */
  public float[] forward(float[] input) {
    try (TFloat32 in = tensor(input);
        Result r = session.runner().feed(x, in).fetch(y).run()) {
      return read(r, 0);
    }
  }

  /** d(Σ y·upstream)/dx at {@code input}. */
  public float[] gradient(float[] input, float[] upstreamValues) {
    try (TFloat32 in = tensor(input);
        TFloat32 up = tensor(upstreamValues);
        Result r = session.runner().feed(x, in).feed(upstream, up).fetch(gradient).run()) {
      return read(r, 0);
    }
  }

  /** The values the strategies reported (bits, d, sparsity …). */
  public Map<String, Double> reports() {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    TfNetwork.SiteInfo info = java.util.Objects.requireNonNull(net.sites().get(site.name()));
    for (Map.Entry<String, Operand<TFloat32>> e : info.reports().entrySet()) {
      try (Result r = session.runner().fetch(e.getValue()).run()) {
        out.put(e.getKey(), (double) ((TFloat32) r.get(0)).getFloat());
      }
    }
    return out;
  }

  /** Names of the graph variables the strategies created. */
  public List<String> stateNames() {
    return List.copyOf(net.variables().keySet());
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
