package io.jqp.experiments.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jqp.api.JqpException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Runs taking turns of a few steps: the order of their steps, their time, a failure. */
class InterleavedRunsTest {

  /** A run of {@code steps} steps that logs "name:step" and calls the hook after each. */
  private static InterleavedRuns.Run<String> logging(String name, int steps, List<String> log) {
    return hook -> {
      for (int s = 1; s <= steps; s++) {
        log.add(name + ":" + s);
        hook.run();
      }
      return name + " done";
    };
  }

  @Test
  void runsTakeTurnsOfSliceStepsInOrderUntilEachEnds() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    List<String> turns = Collections.synchronizedList(new ArrayList<>());
    List<InterleavedRuns.Timed<String>> t =
        InterleavedRuns.run(
            List.of(logging("a", 10, log), logging("b", 7, log), logging("c", 4, log)),
            List.of(() -> turns.add("a"), () -> turns.add("b"), () -> turns.add("c")),
            3);
    assertEquals(
        List.of(
            "a:1", "a:2", "a:3", "b:1", "b:2", "b:3", "c:1", "c:2", "c:3", // first turns
            "a:4", "a:5", "a:6", "b:4", "b:5", "b:6", "c:4", // c ends
            "a:7", "a:8", "a:9", "b:7", // b ends
            "a:10"),
        log);
    assertEquals(List.of("a done", "b done", "c done"), t.stream().map(x -> x.result()).toList());
    assertEquals(List.of(4, 3, 2), t.stream().map(x -> x.turns()).toList());
    assertEquals(
        List.of("a", "b", "c", "a", "b", "c", "a", "b", "a"),
        turns,
        "each turn begins with the run's own onTurn, on its thread");
  }

  @Test
  void eachRunIsTimedOverItsOwnTurnsOnly() throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    InterleavedRuns.Run<String> spinning =
        hook -> {
          for (int s = 0; s < 20; s++) {
            long until = threads.getCurrentThreadCpuTime() + 10_000_000L;
            while (threads.getCurrentThreadCpuTime() < until) {
              Thread.onSpinWait();
            }
            hook.run();
          }
          return "spun";
        };
    InterleavedRuns.Run<String> sleeping =
        hook -> {
          for (int s = 0; s < 20; s++) {
            Thread.sleep(10);
            hook.run();
          }
          return "slept";
        };
    long start = System.nanoTime();
    List<InterleavedRuns.Timed<String>> t =
        InterleavedRuns.run(List.of(spinning, sleeping), List.of(() -> {}, () -> {}), 2);
    double elapsed = (System.nanoTime() - start) / 1e9;
    InterleavedRuns.Timed<String> spun = t.get(0);
    InterleavedRuns.Timed<String> slept = t.get(1);
    assertTrue(spun.cpuSeconds() >= 0.19, "20 x 10 ms of CPU: " + spun);
    assertTrue(slept.wallSeconds() >= 0.19, "20 x 10 ms asleep: " + slept);
    assertTrue(
        slept.cpuSeconds() < spun.cpuSeconds() - 0.1,
        "the spinning run's CPU time is not counted in the sleeping run's turns: " + t);
    assertTrue(
        spun.wallSeconds() + slept.wallSeconds() <= elapsed + 1e-3,
        "turns do not overlap: " + t + " in " + elapsed + " s");
    assertEquals(11, slept.turns());
    assertEquals(
        slept.wallSeconds(),
        slept.turnWallSeconds().stream().mapToDouble(d -> d).sum(),
        1e-9,
        "the turns add up to the run");
    assertEquals(spun.cpuSeconds(), spun.turnCpuSeconds().stream().mapToDouble(d -> d).sum(), 1e-9);
  }

  @Test
  void aFailingRunEndsTheOthersAndItsErrorIsThrown() {
    AtomicInteger longSteps = new AtomicInteger();
    InterleavedRuns.Run<String> longRun =
        hook -> {
          for (int s = 0; s < 1000; s++) {
            longSteps.incrementAndGet();
            hook.run();
          }
          return "long";
        };
    JqpException boom = new JqpException("step 5 failed");
    InterleavedRuns.Run<String> failing =
        hook -> {
          for (int s = 1; s <= 10; s++) {
            if (s == 5) {
              throw boom;
            }
            hook.run();
          }
          return "never";
        };
    JqpException e =
        assertThrows(
            JqpException.class,
            () -> InterleavedRuns.run(List.of(longRun, failing), List.of(() -> {}, () -> {}), 2));
    assertSame(boom, e);
    assertTrue(longSteps.get() <= 6, "the other run stopped at its next turn: " + longSteps);
  }

  @Test
  void aSliceBelowOneStepIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            InterleavedRuns.run(List.of(logging("a", 1, new ArrayList<>())), List.of(() -> {}), 0));
  }
}
