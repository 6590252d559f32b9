package io.jqp.api;

/** Built-in trivial strategies, with {@code toString()} giving the expression that builds them. */
final class Strategies {
  private Strategies() {}

  static final Quantizer IDENTITY_QUANTIZER =
      new Quantizer() {
        @Override
        public Tensor quantize(GraphOps ops, Tensor x, SiteContext ctx) {
          return x;
        }

        @Override
        public String toString() {
          return "Quantizer.identity()";
        }
      };

  static final Pruner NO_PRUNER =
      new Pruner() {
        @Override
        public Tensor prune(GraphOps ops, Tensor x, SiteContext ctx) {
          return x;
        }

        @Override
        public String toString() {
          return "Pruner.none()";
        }
      };

  static String checkName(String name) {
    if (name.isBlank() || name.chars().anyMatch(c -> c < 0x20)) {
      throw new JqpException(
          "a strategy name must be printable and not blank, got '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "'");
    }
    return name;
  }

  record NamedQuantizer(String name, Quantizer quantizer) implements Quantizer {
    @Override
    public Tensor quantize(GraphOps ops, Tensor x, SiteContext ctx) {
      return quantizer.quantize(ops, x, ctx);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  record NamedPruner(String name, Pruner pruner) implements Pruner {
    @Override
    public Tensor prune(GraphOps ops, Tensor x, SiteContext ctx) {
      return pruner.prune(ops, x, ctx);
    }

    @Override
    public String toString() {
      return name;
    }
  }

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
    public long firstNonZero() {
      return value == 0 ? Long.MAX_VALUE : 0;
    }

    @Override
    public String toString() {
      return "Schedule.constant(" + value + ")";
    }
  }
}
