package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.op.Ops;

/**
 * {@link TfScopes#fresh} names ops exactly as TensorFlow Java's {@code withSubScope} does (the
 * parent reserves the child's name, nested scopes and repeated names get the same suffixes), and
 * {@link TfScopes#prefixed} tells a sub-scope from the root.
 */
class TfScopesTest {

  /** The op names a fixed sequence of scopes and ops gets, with {@code sub} making sub-scopes. */
  private static List<String> names(BiFunction<Ops, String, Ops> sub) {
    try (Graph g = new Graph()) {
      Ops root = Ops.create(g);
      root.constant(1f);
      Ops p = sub.apply(root, "phase3");
      p.constant(2f);
      p.math.add(p.constant(3f), p.constant(4f));
      Ops opt = sub.apply(p, "optimizer");
      opt.constant(5f);
      opt.withName("apply").noOp();
      Ops again = sub.apply(root, "phase3");
      again.constant(6f);
      Ops opt2 = sub.apply(p, "optimizer");
      opt2.constant(7f);
      List<String> out = new ArrayList<>();
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        out.add(it.next().name());
      }
      out.sort(null);
      return out;
    }
  }

  @Test
  void freshScopesNameOpsAsWithSubScopeDoes() {
    List<String> tf = names(Ops::withSubScope);
    List<String> fresh = names(TfScopes::fresh);
    assertEquals(tf, fresh);
    assertTrue(fresh.contains("phase3_1/Const"), fresh.toString());
    assertTrue(fresh.contains("phase3/optimizer_1/Const"), fresh.toString());
  }

  @Test
  void prefixedTellsASubScopeFromTheRoot() {
    try (Graph g = new Graph()) {
      Ops root = Ops.create(g);
      assertFalse(TfScopes.prefixed(root));
      assertTrue(TfScopes.prefixed(TfScopes.fresh(root, "a")));
      assertTrue(TfScopes.prefixed(root.withSubScope("b")));
    }
  }
}
