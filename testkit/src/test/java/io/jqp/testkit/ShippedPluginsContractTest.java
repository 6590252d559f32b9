package io.jqp.testkit;

import io.jqp.api.Pruner;
import io.jqp.api.Quantizer;
import io.jqp.api.Schedule;
import io.jqp.plugins.Pruners;
import io.jqp.plugins.Quantizers;
import io.jqp.plugins.Rounding;
import io.jqp.plugins.Schedules;
import io.jqp.plugins.SteGradient;
import io.jqp.plugins.WindowedActivationPruner;
import org.junit.jupiter.api.Nested;

/** Every shipped plugin, in its main configurations, passes the contracts (JUnit 5 side). */
class ShippedPluginsContractTest {

  @Nested
  class FixedFromTheFirstBatch implements QuantizerContract {
    public Quantizer quantizer() {
      return Quantizers.fixed(8);
    }
  }

  @Nested
  class FixedHalfEvenZeroSaturated implements QuantizerContract {
    public Quantizer quantizer() {
      return Quantizers.fixed(4)
          .withFractionalBits(2)
          .withRounding(Rounding.HALF_EVEN)
          .withGradient(SteGradient.ZERO_SATURATED);
    }
  }

  @Nested
  class DelayedWithWindow implements QuantizerContract {
    public Quantizer quantizer() {
      return Quantizers.fixed(6).withDelay(8).withWindow(16);
    }
  }

  @Nested
  class SaturatedPerChannel implements QuantizerContract {
    public Quantizer quantizer() {
      return Quantizers.fixed(8).withDelay(4).saturated(0.01, 0.99).withPerChannel(true);
    }
  }

  @Nested
  class MagnitudeConstant implements PrunerContract {
    public Pruner pruner() {
      return Pruners.magnitude(0.5);
    }
  }

  @Nested
  class MagnitudeZhuGupta implements PrunerContract {
    public Pruner pruner() {
      return Pruners.magnitude(Schedules.zhuGupta(2, 3, 4, 0.75));
    }
  }

  @Nested
  class WindowedElementwise implements PrunerContract {
    public Pruner pruner() {
      return new WindowedActivationPruner(Schedules.zhuGupta(4, 2, 3, 0.5), 8, false);
    }

    public boolean prunesWeights() {
      return false;
    }
  }

  @Nested
  class WindowedChannelwise implements PrunerContract {
    public Pruner pruner() {
      return new WindowedActivationPruner(Schedules.zhuGupta(4, 2, 3, 0.5), 8, true);
    }

    public boolean prunesWeights() {
      return false;
    }
  }

  @Nested
  class ZhuGupta implements ScheduleContract {
    public Schedule schedule() {
      return Schedules.zhuGupta(100, 15, 4, 0.5);
    }
  }

  @Nested
  class Polynomial implements ScheduleContract {
    public Schedule schedule() {
      return Schedules.polynomial(100, 900, 0.1, 0.9, 2, 50);
    }
  }

  @Nested
  class Step implements ScheduleContract {
    public Schedule schedule() {
      return Schedules.step(new long[] {10, 500}, new double[] {0.2, 0.6});
    }
  }

  @Nested
  class Constant implements ScheduleContract {
    public Schedule schedule() {
      return Schedule.constant(0.3);
    }
  }
}
