package io.jqp.engine.tf;

import java.lang.reflect.Constructor;
import org.jspecify.annotations.Nullable;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * An explicit XLA compilation scope: every op built through it carries {@code _XlaCompile} and one
 * {@code _XlaScope} name, so TensorFlow's JIT compiles the connected ones into one kernel. jqp puts
 * only element-wise chains and their reductions in such a scope (a quantizer's forward pass, the d*
 * search), never a convolution, which oneDNN runs faster. Which builds get them is {@link
 * TfFusion}'s decision: each scope is compiled once per build, which costs more than it saves in
 * short quantized phases (BENCHMARKS.md).
 */
final class TfFusionScope implements Scope {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(TfFusionScope.class);
  private static final @Nullable Constructor<Ops> OPS = opsConstructor();

  private final Scope inner;
  private final String cluster;

  private TfFusionScope(Scope inner, String cluster) {
    this.inner = inner;
    this.cluster = cluster;
  }

  /** Whether compilation scopes can be built here (TensorFlow Java's Ops opened to us). */
  static boolean available() {
    return OPS != null;
  }

  /**
   * {@code tf} building into the compilation scope {@code cluster}, or null where fusion is off.
   */
  static @Nullable Ops of(Ops tf, String cluster) {
    Constructor<Ops> c = OPS;
    if (c == null) {
      return null;
    }
    try {
      return c.newInstance(new TfFusionScope(tf.scope(), cluster));
    } catch (ReflectiveOperationException e) {
      LOG.warn("fused scopes off: {}", e.toString());
      return null;
    }
  }

  /**
   * TensorFlow Java builds {@link Ops} over a scope only from inside its package; the constructor
   * is opened once here. Where that fails, fusion is off and every op is built plainly.
   */
  private static @Nullable Constructor<Ops> opsConstructor() {
    try {
      Constructor<Ops> c = Ops.class.getDeclaredConstructor(Scope.class);
      c.setAccessible(true);
      return c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("fused scopes off: {}", e.toString());
      return null;
    }
  }

  private Scope wrap(Scope s) {
    return new TfFusionScope(s, cluster);
  }

  @Override
  public ExecutionEnvironment env() {
    return inner.env();
  }

  @Override
  public Scope withSubScope(String childScopeName) {
    return wrap(inner.withSubScope(childScopeName));
  }

  @Override
  public Scope withName(String opName) {
    return wrap(inner.withName(opName));
  }

  @Override
  public Scope withNameAsSubScope(String defaultName) {
    return wrap(inner.withNameAsSubScope(defaultName));
  }

  @Override
  public Scope withDevice(DeviceSpec newDevice) {
    return wrap(inner.withDevice(newDevice));
  }

  @Override
  public Scope withInitScope() {
    return inner.withInitScope();
  }

  @Override
  public String makeOpName(String defaultName) {
    return inner.makeOpName(defaultName);
  }

  @Override
  public String makeUnique(String id) {
    return inner.makeUnique(id);
  }

  @Override
  public void refreshNames() {
    inner.refreshNames();
  }

  @Override
  public Scope withControlDependencyOps(Iterable<Operation> controls) {
    return wrap(inner.withControlDependencyOps(controls));
  }

  @Override
  public OperationBuilder apply(OperationBuilder builder) {
    return inner
        .apply(builder)
        .setAttr("_XlaCompile", true)
        .setAttr("_XlaScope", cluster)
        .setAttr("_XlaSeparateCompiledGradients", false);
  }

  @Override
  public String getDeviceString() {
    return inner.getDeviceString();
  }

  @Override
  public boolean isInit() {
    return inner.isInit();
  }
}
