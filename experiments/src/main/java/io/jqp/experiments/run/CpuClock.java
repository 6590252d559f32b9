package io.jqp.experiments.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Wall time, this process's CPU time and the machine's stolen time, read together around a timed
 * span. On a shared virtual machine the hypervisor runs other guests on the cores it lent: that
 * time is stolen from this one, it stretches a span's wall time but not the CPU time of the threads
 * that ran in it (Linux counts it apart, as steal in {@code /proc/stat}). The bench reports the
 * CPU-time ratio beside the wall-time ratio, and the share of the machine stolen, so a reader can
 * tell a slower arm from a slower spell of the machine.
 *
 * <p>The process's CPU time comes from the JDK ({@code com.sun.management.OperatingSystemMXBean}:
 * every thread, TensorFlow's native ones included; on Linux HotSpot counts it in clock ticks of 10
 * ms, under 1 % of a 25-step block); the steal counter is one line of a documented kernel file,
 * read here rather than through a system-information library (OSHI would bring JNA for this one
 * number).
 */
public final class CpuClock {
  private static final Path PROC_STAT = Path.of("/proc/stat");

  private CpuClock() {}

  /** One reading: nanoseconds of wall and CPU time, and the machine's stolen and total ticks. */
  public record Reading(long wallNanos, long cpuNanos, long stealTicks, long totalTicks) {}

  /**
   * A span between two readings.
   *
   * @param wallSeconds the wall time
   * @param cpuSeconds this process's CPU time in it, all threads (NaN where the JDK cannot tell)
   * @param stolen the share of the machine's CPU time that the hypervisor took in it, in [0, 1]
   *     (NaN where {@code /proc/stat} cannot be read)
   */
  public record Span(double wallSeconds, double cpuSeconds, double stolen) {}

  /** The clocks now. */
  public static Reading now() {
    long[] steal = machineTicks();
    return new Reading(System.nanoTime(), processCpuNanos(), steal[0], steal[1]);
  }

  /** The span from {@code start} to now. */
  public static Span since(Reading start) {
    return between(start, now());
  }

  /** The span from {@code a} to {@code b}. */
  public static Span between(Reading a, Reading b) {
    double cpu =
        a.cpuNanos() < 0 || b.cpuNanos() < 0 ? Double.NaN : (b.cpuNanos() - a.cpuNanos()) / 1e9;
    long total = b.totalTicks() - a.totalTicks();
    double stolen =
        a.totalTicks() < 0 || b.totalTicks() < 0 || total <= 0
            ? Double.NaN
            : (double) (b.stealTicks() - a.stealTicks()) / total;
    return new Span((b.wallNanos() - a.wallNanos()) / 1e9, cpu, stolen);
  }

  /** This process's CPU time in nanoseconds, all threads; -1 where the JDK cannot tell. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** The machine's {steal, total} ticks from {@code /proc/stat}; {-1, -1} where unreadable. */
  private static long[] machineTicks() {
    try {
      try (java.io.BufferedReader r = Files.newBufferedReader(PROC_STAT)) {
        String first = r.readLine();
        return first == null ? new long[] {-1, -1} : parseCpuLine(first);
      }
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /**
   * {steal, total} from the aggregate line of {@code /proc/stat} ({@code cpu user nice system idle
   * iowait irq softirq steal ...}; total is the sum of those eight, since guest time is counted in
   * user already); {-1, -1} for a line without the eight fields.
   */
  static long[] parseCpuLine(String line) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 9 || !f[0].equals("cpu")) {
      return new long[] {-1, -1};
    }
    long total = 0;
    try {
      for (int i = 1; i <= 8; i++) {
        long v = Long.parseLong(f[i]);
        if (v < 0) {
          return new long[] {-1, -1};
        }
        total += v;
      }
      return new long[] {Long.parseLong(f[8]), total};
    } catch (NumberFormatException e) {
      return new long[] {-1, -1};
    }
  }
}
