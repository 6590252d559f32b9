package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.GraphOps;
import io.jqp.api.LayerKind;
import io.jqp.api.Site;
import io.jqp.api.SiteKind;
import io.jqp.api.Tensor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Which strategy updates share a session run ({@link TfTrainStep#updateRuns}), whether an update
 * reads the batch ({@link TfTrainStep#readsBatch}), and the straight-through node's gradients: the
 * recorded variant for jqp's own, the plain pass-through for anyone else's {@code IdentityN}.
 */
class UpdateRunsTest {

  @Test
  void anUpdateReadsTheBatchOnlyThroughAPlaceholder() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      PlaceholderWithDefault<TFloat32> flag =
          tf.placeholderWithDefault(tf.constant(0f), Shape.scalar());
      Variable<TFloat32> v = tf.variable(Shape.scalar(), TFloat32.class);
      Op fromBatch = tf.assign(v, tf.sum(x, tf.constant(0)));
      Op fromState = tf.assign(v, tf.math.mul(tf.math.add(v, flag), tf.constant(2f)));
      Op grouped =
          tf.withControlDependencies(List.of(fromBatch)).noOp(); // the batch via a control input
      assertTrue(TfTrainStep.readsBatch(fromBatch.op()));
      assertFalse(
          TfTrainStep.readsBatch(fromState.op()), "placeholders with defaults are not data");
      assertTrue(TfTrainStep.readsBatch(grouped.op()));
    }
  }

  @Test
  void updatesThatDoNotReadTheBatchShareRunsAndTheOthersRunOneByOne() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Op a = tf.noOp();
      Op b = tf.noOp();
      Op c = tf.noOp();
      Op d = tf.noOp();
      Op e = tf.noOp();
      Site w1 = new Site("l1", LayerKind.DENSE, SiteKind.WEIGHT, List.of(3L), 0, 2);
      Site a1 = new Site("l1", LayerKind.DENSE, SiteKind.ACTIVATION, List.of(3L), 0, 2);
      Site a2 = new Site("l2", LayerKind.DENSE, SiteKind.ACTIVATION, List.of(3L), 1, 2);
      List<TfSites.SiteUpdate> due =
          List.of(
              new TfSites.SiteUpdate(w1, s -> true, a),
              new TfSites.SiteUpdate(w1, s -> true, b),
              new TfSites.SiteUpdate(a1, s -> true, c),
              new TfSites.SiteUpdate(a2, s -> true, d),
              new TfSites.SiteUpdate(a2, s -> true, e));
      Set<Op> batch = Set.of(c, e);
      List<List<Op>> runs = TfTrainStep.updateRuns(due, batch::contains);
      // a site's own updates keep their order: its second update goes to the second round
      assertEquals(List.of(List.of(a, d), List.of(b), List.of(c), List.of(e)), runs);
      assertEquals(
          List.of(List.of(a), List.of(b), List.of(c), List.of(d), List.of(e)),
          TfTrainStep.updateRuns(due, op -> true),
          "every activation update reading the batch: one by one, in order");
    }
  }

  @Test
  void straightThroughForwardsQAndSendsTheVariantsGradientToX() {
    float[] x = {-5f, -0.5f, 0.25f, 3f};
    float[] u = {100f, 1f, -100f, 2f};
    for (GraphOps.StraightThrough variant : GraphOps.StraightThrough.values()) {
      try (Graph g = new Graph();
          Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        TfGraphOps ops = new TfGraphOps(tf, g);
        Operand<TFloat32> xin = tf.constant(x);
        Tensor q = ops.constant(new float[] {7f, 8f, 9f, 10f}, 4);
        Tensor out =
            ops.straightThrough(
                new TfTensor(xin), q, ops.constant(-4), ops.constant(3.96875), variant);
        Operand<TFloat32> loss =
            tf.sum(tf.math.mul(TfTensor.of(out), tf.constant(u)), tf.constant(0));
        Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {xin.asOutput()});
        try (var res = s.runner().fetch(TfTensor.of(out)).fetch(grad[0]).run()) {
          assertArrayEquals(new float[] {7f, 8f, 9f, 10f}, TfVariables.read((TFloat32) res.get(0)));
          float[] expected =
              switch (variant) {
                case CLIPPED -> new float[] {3.96875f, 1f, -4f, 2f};
                case ZERO_SATURATED -> new float[] {0f, 1f, -100f, 2f};
                case IDENTITY -> u;
              };
          assertArrayEquals(expected, TfVariables.read((TFloat32) res.get(1)), variant.name());
        }
      }
    }
  }

  @Test
  void anyoneElsesIdentityNKeepsItsPassThroughGradient() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      new TfGraphOps(tf, g); // registers jqp's gradients
      Operand<TFloat32> a = tf.constant(new float[] {1f, 2f});
      Operand<TFloat32> b = tf.constant(new float[] {3f, 4f});
      var n = tf.identityN(List.of(a, b));
      @SuppressWarnings("unchecked")
      Operand<TFloat32> first = (Operand<TFloat32>) (Operand<?>) n.output().get(0);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> second = (Operand<TFloat32>) (Operand<?>) n.output().get(1);
      Operand<TFloat32> loss =
          tf.math.add(
              tf.sum(tf.math.mul(first, tf.constant(3f)), tf.constant(0)),
              tf.sum(tf.math.mul(second, tf.constant(5f)), tf.constant(0)));
      Output<?>[] grad =
          g.addGradients(loss.asOutput(), new Output<?>[] {a.asOutput(), b.asOutput()});
      try (var res = s.runner().fetch(grad[0]).fetch(grad[1]).run()) {
        assertArrayEquals(new float[] {3f, 3f}, TfVariables.read((TFloat32) res.get(0)));
        assertArrayEquals(new float[] {5f, 5f}, TfVariables.read((TFloat32) res.get(1)));
      }
    }
  }
}
