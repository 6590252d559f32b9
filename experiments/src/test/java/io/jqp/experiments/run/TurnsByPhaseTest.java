package io.jqp.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs' turns summed over an arm's phases and paired with FP32's turns of the same steps. */
class TurnsByPhaseTest {

  private static RunBench.Arm arm(String name, List<Long> phases, List<List<Double>> turnCpu) {
    // runs one after another have no turns: one round of 100 s then
    List<Double> perRun =
        turnCpu.isEmpty()
            ? List.of(100.0)
            : turnCpu.stream().map(t -> t.stream().mapToDouble(d -> d).sum()).toList();
    return new RunBench.Arm(
        name,
        "none",
        perRun,
        List.of(),
        90,
        1,
        Double.NaN,
        RatioInterval.of(perRun, perRun),
        perRun,
        null,
        perRun.stream().map(x -> 0.0).toList(),
        null,
        phases,
        turnCpu.stream().map(t -> t.stream().map(d -> d / 2).toList()).toList(),
        turnCpu);
  }

  @Test
  void turnsAreSummedFromThePhaseSwitchesTurnAndPairedByRound() {
    RunBench.Arm fp32 =
        arm(
            "FP32",
            List.of(),
            List.of(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.0), List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.0)));
    RunBench.Arm wa =
        arm(
            "W+A",
            List.of(25L, 55L),
            List.of(List.of(1.0, 1.0, 1.5, 1.0, 1.0, 2.0), List.of(1.0, 1.0, 1.3, 1.0, 1.0, 1.0)));
    List<TurnsByPhase.Row> rows = TurnsByPhase.rows(fp32, wa, 10);
    assertEquals(3, rows.size());
    TurnsByPhase.Row a = rows.get(0);
    assertEquals(0, a.fromStep());
    assertEquals(19, a.toStep());
    assertEquals(List.of(), a.starts());
    assertEquals(0, a.extraCpu(), 1e-12);
    TurnsByPhase.Row b = rows.get(1);
    assertEquals(20, b.fromStep(), "from the turn holding step 25");
    assertEquals(49, b.toStep());
    assertEquals(List.of(25L), b.starts());
    assertEquals(3.0, b.fp32Cpu(), 1e-12);
    assertEquals(3.4, b.armCpu(), 1e-12);
    assertEquals(0.4, b.extraCpu(), 1e-12);
    assertEquals(0.3, b.extraCpuMin(), 1e-12);
    assertEquals(0.5, b.extraCpuMax(), 1e-12);
    assertEquals(0.2, b.extraWall(), 1e-12, "the wall turns are half the CPU turns here");
    TurnsByPhase.Row c = rows.get(2);
    assertEquals(50, c.fromStep());
    assertEquals(-1, c.toStep(), "the last row runs to the end");
    assertEquals(0.5, c.extraCpu(), 1e-12);
    assertEquals(0.0, c.extraCpuMin(), 1e-12);
    assertEquals(1.0, c.extraCpuMax(), 1e-12);
    RunBench.Result r = new RunBench.Result("small-cnn", 4, 2, 2, 10, List.of(fp32, wa));
    String md = r.byPhaseMarkdown();
    assertTrue(md.contains("| 20–49 | 25 | 3.00 | 3.40 | +0.40 [+0.30, +0.50] | +0.20 |"), md);
    assertTrue(md.contains("In all, +0.90 s of CPU time over FP32's"), md);
  }

  @Test
  void nothingWhereTheRunsDidNotTakeTurnsOrTookDifferentTurns() {
    RunBench.Arm none = arm("FP32", List.of(), List.of());
    assertEquals(List.of(), TurnsByPhase.rows(none, none, 25));
    RunBench.Arm six = arm("FP32", List.of(), List.of(List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.0)));
    RunBench.Arm five = arm("W+A", List.of(25L), List.of(List.of(1.0, 1.0, 1.0, 1.0, 1.0)));
    assertEquals(List.of(), TurnsByPhase.rows(six, five, 10));
    assertEquals(
        "", new RunBench.Result("small-cnn", 4, 1, 2, 0, List.of(six, six)).byPhaseMarkdown());
  }
}
