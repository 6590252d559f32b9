package io.jqp.api;

/** Built-in trivial strategies, with {@code toString()} giving the expression that builds them. */
final class Strategies {
  private Strategies() {}

  static final Quantizer IDENTITY_QUANTIZER = new Quantizer() {
    @Override
    public Tensor quantize(GraphOps ops, Tensor x, SiteContext ctx) {
      return x;
    }

    @Override
    public String toString() {
      return "Quantizer.identity()";
    }
  };

  static final Pruner NO_PRUNER = new Pruner() {
    @Override
    public Tensor prune(GraphOps ops, Tensor x, SiteContext ctx) {
      return x;
    }

    @Override
    public String toString() {
      return "Pruner.none()";
    }
  };

  record ConstantSchedule(double value) implements Schedule {
    @Override
    public double valueAt(long step) {
      return value;
    }

    @Override
    public boolean updatesAt(long step) {
      return step == 0;
    }

    @Override
    public String toString() {
      return "Schedule.constant(" + value + ")";
    }
  }
}
