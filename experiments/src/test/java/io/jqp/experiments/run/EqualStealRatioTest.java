package io.jqp.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ratio read at equal stolen time, from rounds the hypervisor disturbed unequally. */
class EqualStealRatioTest {

  @Test
  void roundsThatLostMoreToStealDoNotMoveTheRatioAtEqualSteal() {
    // each round: the arm costs 1.04x the base, times 1.02 per point of steal more than the base's
    List<Double> arm = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    List<Double> armStolen = List.of(3.0, 25.0, 10.0, 0.5, 18.0, 7.0);
    List<Double> baseStolen = List.of(20.0, 4.0, 10.5, 12.0, 2.0, 7.0);
    for (int i = 0; i < armStolen.size(); i++) {
      double b = 100 + 10 * i;
      base.add(b);
      arm.add(b * 1.04 * Math.pow(1.02, armStolen.get(i) - baseStolen.get(i)));
    }
    EqualStealRatio r = EqualStealRatio.of(arm, base, armStolen, baseStolen);
    assertEquals(6, r.rounds());
    assertEquals(1.04, r.ratio(), 1e-9);
    assertEquals(0.02, r.perPoint(), 1e-9);
    assertEquals(1.04, r.low(), 1e-6, "an exact fit leaves no error");
    assertEquals(1.04, r.high(), 1e-6);
    double plainMean = RatioInterval.of(arm, base).mean();
    assertTrue(Math.abs(plainMean - 1.04) > 0.01, "the plain mean is moved by steal: " + plainMean);
    assertEquals("1.040× [1.040, 1.040]", r.markdown());
  }

  @Test
  void noisyRoundsGiveAnIntervalAroundTheRatio() {
    Random rnd = new Random(3);
    List<Double> arm = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    List<Double> as = new ArrayList<>();
    List<Double> bs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double sa = 30 * rnd.nextDouble();
      double sb = 30 * rnd.nextDouble();
      as.add(sa);
      bs.add(sb);
      base.add(100.0);
      arm.add(100 * 1.03 * Math.exp(0.015 * (sa - sb) + 0.01 * rnd.nextGaussian()));
    }
    EqualStealRatio r = EqualStealRatio.of(arm, base, as, bs);
    assertTrue(r.low() < 1.03 && 1.03 < r.high(), r.markdown());
    assertTrue(r.high() - r.low() < 0.02, r.markdown());
  }

  @Test
  void noFitWithoutStealThatVariesOrIsMeasured() {
    List<Double> t = List.of(1.0, 2.0, 3.0);
    assertNull(EqualStealRatio.of(t, t, List.of(1.0, 1.0, 1.0), List.of(0.0, 0.0, 0.0)));
    assertNull(EqualStealRatio.of(t, t, List.of(1.0, Double.NaN, 1.0), List.of(0.0, 0.0, 2.0)));
    assertNull(
        EqualStealRatio.of(
            List.of(1.0, 2.0), List.of(1.0, 2.0), List.of(1.0, 2.0), List.of(0.0, 0.0)));
    assertEquals("not measured", EqualStealRatio.markdown(null));
  }
}
