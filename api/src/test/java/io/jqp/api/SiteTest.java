package io.jqp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SiteTest {
  @Test
  void namesShapeAndPosition() {
    Site s = new Site("conv2", LayerKind.CONV2D, SiteKind.ACTIVATION, List.of(14L, 14L, 64L), 1, 4);
    assertEquals("conv2/activation", s.name());
    assertEquals(12544, s.numel());
    assertEquals(false, s.isFirstLayer());
    assertEquals(false, s.isLastLayer());
  }

  @Test
  void rejectsUnknownDimensions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Site("fc", LayerKind.DENSE, SiteKind.WEIGHT, List.of(-1L, 3L), 0, 1));
  }

  @Test
  void scheduleUpdatesWhereTheValueChanges() {
    Schedule s = step -> step < 10 ? 0 : 0.5;
    assertEquals(true, s.updatesAt(0));
    assertEquals(false, s.updatesAt(9));
    assertEquals(true, s.updatesAt(10));
    assertEquals(false, s.updatesAt(11));
    assertEquals(false, Schedule.constant(0.5).updatesAt(10));
  }
}
