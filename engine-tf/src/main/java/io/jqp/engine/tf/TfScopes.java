package io.jqp.engine.tf;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Ops;

/**
 * Name sub-scopes that do not walk the graph. TensorFlow Java's {@code withSubScope} reserves the
 * child's name in its parent and then reads the name of every op of the graph (one native call
 * each), to learn which names under the new prefix are taken: 110–140 ms on a graph of 15 K ops,
 * paid by every build of a later phase (each adds a phase scope and an optimizer scope to a graph
 * that holds the builds before it). Under a prefix that nothing else writes to, no name can be
 * taken yet, so {@link #fresh} makes the same sub-scope without the walk: the parent reserves the
 * child's name exactly as before, and the new scope's names are those TensorFlow would give. Where
 * TensorFlow Java's internals are not as expected, it falls back to {@code withSubScope}.
 */
final class TfScopes {
  private TfScopes() {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TfScopes.class);

  private record Access(
      Field prefix,
      Field env,
      Field nameScope,
      Field controls,
      Field device,
      Field init,
      Method subScope,
      Constructor<OpScope> scope,
      Constructor<Ops> ops) {}

  private static final @Nullable Access ACCESS = access();

  private static @Nullable Access access() {
    try {
      Class<?> nameScope = Class.forName("org.tensorflow.op.NameScope");
      Field prefix = nameScope.getDeclaredField("opPrefix");
      Field env = OpScope.class.getDeclaredField("env");
      Field ns = OpScope.class.getDeclaredField("nameScope");
      Field controls = OpScope.class.getDeclaredField("controlDependencies");
      Field device = OpScope.class.getDeclaredField("deviceSpec");
      Field init = OpScope.class.getDeclaredField("isInit");
      Method sub =
          nameScope.getDeclaredMethod("withSubScope", String.class, ExecutionEnvironment.class);
      Constructor<OpScope> scope =
          OpScope.class.getDeclaredConstructor(
              ExecutionEnvironment.class, nameScope, List.class, DeviceSpec.class, boolean.class);
      Constructor<Ops> ops = Ops.class.getDeclaredConstructor(org.tensorflow.op.Scope.class);
      for (java.lang.reflect.AccessibleObject a :
          new java.lang.reflect.AccessibleObject[] {
            prefix, env, ns, controls, device, init, sub, scope, ops
          }) {
        a.setAccessible(true);
      }
      return new Access(prefix, env, ns, controls, device, init, sub, scope, ops);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("sub-scopes walk the graph: {}", e.toString());
      return null;
    }
  }

  /**
   * Whether {@code ops} builds under a name prefix (a sub-scope), as far as can be told; false at
   * the graph's root or when TensorFlow Java's internals are not as expected.
   */
  static boolean prefixed(Ops ops) {
    Access a = ACCESS;
    if (a == null || !(ops.scope() instanceof OpScope s)) {
      return false;
    }
    try {
      return a.prefix().get(a.nameScope().get(s)) != null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /**
   * {@code parent.withSubScope(child)} for a child whose prefix only the returned scope (and its
   * own sub-scopes) will ever build under, without reading the graph's op names.
   */
  static Ops fresh(Ops parent, String child) {
    Access a = ACCESS;
    if (a == null || !(parent.scope() instanceof OpScope s)) {
      return parent.withSubScope(child);
    }
    try {
      // NameScope.withSubScope reads the names of the environment's ops only for a Graph
      Object names = a.subScope().invoke(a.nameScope().get(s), child, null);
      @SuppressWarnings("unchecked")
      List<Operation> controls = (List<Operation>) a.controls().get(s);
      OpScope sub =
          a.scope()
              .newInstance(
                  a.env().get(s), names, controls, a.device().get(s), a.init().getBoolean(s));
      return a.ops().newInstance(sub);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("sub-scope {} walks the graph: {}", child, e.toString());
      return parent.withSubScope(child);
    }
  }
}
