package io.jqp.engine.tf;

import io.jqp.api.JqpException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The variables of a graph by name, read out in one run and written back through one restore op
 * (checkpoints, copies between models, perturbations for numeric gradients), and the site reports
 * of a network. A load checks every name and shape before anything changes.
 */
final class TfVariables {
  private final Map<String, Variable<TFloat32>> variables;
  private final Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
  private final Op restore;

  TfVariables(Ops tf, Map<String, Variable<TFloat32>> variables) {
    this.variables = new LinkedHashMap<>(variables);
    List<Op> assigns = new ArrayList<>();
    for (Map.Entry<String, Variable<TFloat32>> e : this.variables.entrySet()) {
      Placeholder<TFloat32> p =
          tf.placeholder(TFloat32.class, Placeholder.shape(e.getValue().shape()));
      feeds.put(e.getKey(), p);
      assigns.add(tf.assign(e.getValue(), p));
    }
    this.restore = tf.withControlDependencies(assigns).noOp();
  }

  java.util.Set<String> names() {
    return variables.keySet();
  }

  /** Current values of every variable. */
  Map<String, TfCheckpoint.Entry> values(Session session) {
    return values(session, variables.keySet());
  }

  /** Current values of the named variables, fetched in one run. */
  Map<String, TfCheckpoint.Entry> values(Session session, Collection<String> wanted) {
    Map<String, TfCheckpoint.Entry> values = new LinkedHashMap<>();
    Session.Runner r = session.runner();
    List<String> names = new ArrayList<>(wanted);
    for (String n : names) {
      Variable<TFloat32> v = variables.get(n);
      if (v == null) {
        throw new IllegalArgumentException("no variable " + n);
      }
      r.fetch(v);
    }
    try (Result res = r.run()) {
      for (int i = 0; i < names.size(); i++) {
        TFloat32 t = (TFloat32) res.get(i);
        values.put(names.get(i), new TfCheckpoint.Entry(t.shape().asArray(), read(t)));
      }
    }
    return values;
  }

  /**
   * A session on {@code graph} with {@code threads} intra-op threads, its variables initialised by
   * {@code init}; closed again if the initialisation fails (a failed init left open hangs {@code
   * Graph.close}).
   */
  static Session openSession(org.tensorflow.Graph graph, int threads, Op init) {
    Session s =
        new Session(
            graph,
            org.tensorflow.proto.ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(Math.max(1, threads))
                // with the GPU build (mvn -Pgpu), ops without a GPU kernel fall back to the CPU,
                // and GPU memory is taken as needed rather than all at once
                .setAllowSoftPlacement(true)
                .setGpuOptions(org.tensorflow.proto.GPUOptions.newBuilder().setAllowGrowth(true))
                .setGraphOptions(graphOptions())
                .build());
    try {
      s.run(init);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /**
   * Grappler with one pass of its meta-optimizer instead of two: each distinct run (a new phase's
   * step, a strategy update, a window-collecting step) is optimized when first used. Turning off
   * constant folding and the dependency and loop optimizers as well saved more (about a third of a
   * second per new phase on the small CNN) but made a DJPQ run's losses depend on how TensorFlow
   * scheduled its ops across inter-op threads (`ResumeTest` with a 4-thread inter-op pool), so they
   * stay on.
   *
   * <p>Three passes that change nothing in these graphs are off: the TFG (MLIR) passes, which run
   * twice per optimized run, the implementation selector (it picks among a function's registered
   * implementations; these graphs call no functions) and the memory optimizer (it swaps tensors to
   * host memory on GPUs and recomputes ops that carry a recompute hint; none do). Every distinct
   * run optimizes the whole graph, which in a prune-then-quantize run holds every phase's build (8
   * 370 nodes on the small CNN): the three took 290 of Grappler's 860 ms of optimizer time over
   * such a run's 23 distinct runs (1.16 s of Grappler time fell to 0.85 s in a 1-epoch run, with
   * the same losses to the digit; BENCHMARKS.md).
   */
  static org.tensorflow.proto.GraphOptions graphOptions() {
    return org.tensorflow.proto.GraphOptions.newBuilder()
        .setRewriteOptions(
            org.tensorflow.proto.RewriterConfig.newBuilder()
                .setMetaOptimizerIterations(
                    org.tensorflow.proto.RewriterConfig.NumIterationsType.ONE)
                .setDisableTfgOptimizer(true)
                .setImplementationSelector(org.tensorflow.proto.RewriterConfig.Toggle.OFF)
                .setMemoryOptimization(org.tensorflow.proto.RewriterConfig.MemOptType.NO_MEM_OPT))
        .build();
  }

  private static String outputName(Operand<?> o) {
    return o.op().name() + ":" + o.asOutput().index();
  }

  /** A tensor's values, row-major. */
  static float[] read(TFloat32 t) {
    float[] a = new float[(int) t.shape().size()];
    t.asRawTensor().data().asFloats().read(a);
    return a;
  }

  /** Writes every variable from {@code values}; a missing name or another shape fails first. */
  void load(Session session, Map<String, TfCheckpoint.Entry> values, String source) {
    List<TFloat32> fed = new ArrayList<>();
    try {
      Session.Runner r = session.runner().addTarget(restore);
      for (Map.Entry<String, Placeholder<TFloat32>> e : feeds.entrySet()) {
        TfCheckpoint.Entry v = values.get(e.getKey());
        if (v == null) {
          throw new JqpException(source + ": variable " + e.getKey() + " is missing");
        }
        long[] expected = Objects.requireNonNull(variables.get(e.getKey())).shape().asArray();
        if (!Arrays.equals(expected, v.shape())) {
          throw new JqpException(
              source
                  + ": variable "
                  + e.getKey()
                  + " has shape "
                  + Arrays.toString(v.shape())
                  + ", the model needs "
                  + Arrays.toString(expected));
        }
        TFloat32 t =
            TFloat32.tensorOf(Shape.of(v.shape()), DataBuffers.of(v.values(), true, false));
        fed.add(t);
        r.feed(e.getValue(), t);
      }
      r.run().close();
    } finally {
      fed.forEach(TFloat32::close);
    }
  }

  /** The site reports of one network of a session (bits, d, sparsity …), fetched in one run. */
  static List<TfModel.SiteReport> siteReports(Session session, TfNetwork net) {
    return siteReports(session, net, List.of(net));
  }

  /**
   * The same, fetched in one run together with the reports of {@code alongside} (which may hold
   * {@code net}): a caller that reads the reports of one build after another then runs one
   * signature, which TensorFlow prepares once.
   */
  static List<TfModel.SiteReport> siteReports(
      Session session, TfNetwork net, List<TfNetwork> alongside) {
    List<TfNetwork.SiteInfo> infos = new ArrayList<>(net.sites().values());
    List<String[]> keys = new ArrayList<>();
    Session.Runner r = session.runner();
    for (TfNetwork.SiteInfo info : infos) {
      for (Map.Entry<String, Operand<TFloat32>> e : info.reports().entrySet()) {
        keys.add(new String[] {info.site().name(), e.getKey()});
        r.fetch(e.getValue());
      }
    }
    if (!keys.isEmpty()) {
      // builds share the reports that read a variable directly: each output is fetched once
      java.util.Set<String> fetched = new java.util.HashSet<>();
      for (TfNetwork.SiteInfo info : infos) {
        info.reports().values().forEach(o -> fetched.add(outputName(o)));
      }
      for (TfNetwork other : alongside) {
        for (TfNetwork.SiteInfo info : other.sites().values()) {
          for (Operand<TFloat32> o : info.reports().values()) {
            if (fetched.add(outputName(o))) {
              r.fetch(o);
            }
          }
        }
      }
    }
    Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    if (!keys.isEmpty()) {
      try (Result res = r.run()) {
        for (int i = 0; i < keys.size(); i++) {
          values
              .computeIfAbsent(keys.get(i)[0], k -> new LinkedHashMap<>())
              .put(keys.get(i)[1], (double) ((TFloat32) res.get(i)).getFloat());
        }
      }
    }
    List<TfModel.SiteReport> out = new ArrayList<>();
    for (TfNetwork.SiteInfo info : infos) {
      out.add(
          new TfModel.SiteReport(
              info.site(),
              info.quantizer(),
              info.pruner(),
              values.getOrDefault(info.site().name(), Map.of())));
    }
    return out;
  }
}
