package io.jqp.engine.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step's wall time split by how many ops compute at once, and who runs alone. */
class StepTimelineTest {

  @Test
  void splitsWallIntoIdleAloneAndTogether() {
    StepTimeline.Split s =
        StepTimeline.of(
            List.of(
                new StepTimeline.Span("Conv2D", 0, 10),
                new StepTimeline.Span("Relu", 5, 15),
                new StepTimeline.Span("Relu", 20, 25),
                new StepTimeline.Span("Identity", 26, 26)),
            0,
            30);
    assertEquals(30, s.wall());
    assertEquals(5, s.together(), "Conv2D and the first Relu overlap from 5 to 10");
    assertEquals(15, s.alone());
    assertEquals(10, s.idle(), "15 to 20 and 25 to 30");
    assertEquals(4, s.ops(), "a zero-length op counts as an op");
    assertEquals(Map.of("Conv2D", 5L, "Relu", 10L), s.aloneByType());
    assertEquals("Relu", s.aloneRanked().get(0).getKey());
  }

  @Test
  void opsThatTouchDoNotRunTogether() {
    StepTimeline.Split s =
        StepTimeline.of(
            List.of(new StepTimeline.Span("A", 0, 10), new StepTimeline.Span("B", 10, 20)));
    assertEquals(new StepTimeline.Split(20, 0, 20, 0, Map.of("A", 10L, "B", 10L), 2), s);
  }

  @Test
  void boundsWidenToTheSpansAndStepsAdd() {
    StepTimeline.Split one = StepTimeline.of(List.of(new StepTimeline.Span("A", 5, 12)), 8, 9);
    assertEquals(7, one.wall(), "bounds inside the spans widen to them");
    StepTimeline.Split two =
        one.plus(
            StepTimeline.of(
                List.of(new StepTimeline.Span("A", 0, 4), new StepTimeline.Span("B", 0, 2))));
    assertEquals(new StepTimeline.Split(11, 0, 9, 2, Map.of("A", 9L), 3), two);
    assertEquals(StepTimeline.Split.none(), StepTimeline.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new StepTimeline.Span("A", 3, 2));
  }
}
