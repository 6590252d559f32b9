package io.jqp.experiments.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The clocks the bench reads around each timed span. */
class CpuClockTest {

  @Test
  void stealAndTotalComeFromTheAggregateLine() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] t = CpuClock.parseCpuLine("cpu  1351888 0 118937 566534 5423 0 1140 201289 7 0");
    assertArrayEquals(
        new long[] {201289, 1351888 + 118937 + 566534 + 5423 + 1140 + 201289},
        t,
        "guest is in user");
  }

  @Test
  void aLineWithoutTheEightFieldsGivesNoReading() {
    long[] none = {-1, -1};
    assertArrayEquals(none, CpuClock.parseCpuLine("cpu 1 2 3 4 5 6 7"), "no steal field");
    assertArrayEquals(none, CpuClock.parseCpuLine("cpu0 1 2 3 4 5 6 7 8"), "a single core's line");
    assertArrayEquals(none, CpuClock.parseCpuLine("cpu 1 2 3 x 5 6 7 8"), "not a number");
    assertArrayEquals(none, CpuClock.parseCpuLine(""), "empty");
  }

  @Test
  void aSpanIsTheDifferenceOfTwoReadings() {
    CpuClock.Span s =
        CpuClock.between(
            new CpuClock.Reading(1_000_000_000L, 500_000_000L, 100, 1000),
            new CpuClock.Reading(3_500_000_000L, 2_500_000_000L, 150, 1500));
    assertEquals(2.5, s.wallSeconds(), 1e-12);
    assertEquals(2.0, s.cpuSeconds(), 1e-12);
    assertEquals(0.1, s.stolen(), 1e-12);
    CpuClock.Span unknown =
        CpuClock.between(new CpuClock.Reading(0, -1, -1, -1), new CpuClock.Reading(10, -1, -1, -1));
    assertTrue(Double.isNaN(unknown.cpuSeconds()) && Double.isNaN(unknown.stolen()));
  }

  @Test
  void busyWorkShowsAsThisProcesssCpuTime() {
    CpuClock.Reading a = CpuClock.now();
    long end = System.nanoTime() + 200_000_000L;
    double sink = 0;
    while (System.nanoTime() < end) {
      sink += Math.sqrt(sink + 1);
    }
    CpuClock.Span s = CpuClock.since(a);
    assertTrue(sink > 0);
    assertTrue(s.cpuSeconds() > 0.02, "CPU time " + s.cpuSeconds() + " s for 0.2 s of spinning");
    assertTrue(
        s.cpuSeconds() <= s.wallSeconds() * Runtime.getRuntime().availableProcessors() + 0.05);
  }
}
