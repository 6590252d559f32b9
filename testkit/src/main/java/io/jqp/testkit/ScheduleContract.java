package io.jqp.testkit;

import io.jqp.api.Schedule;
import org.junit.jupiter.api.Test;

/** Implement in a test class to run the schedule contract with JUnit 5. */
public interface ScheduleContract {

  Schedule schedule();

  default long horizon() {
    return 2000;
  }

  @Test
  default void scheduleContract() {
    Contracts.schedule(schedule(), horizon());
  }
}
