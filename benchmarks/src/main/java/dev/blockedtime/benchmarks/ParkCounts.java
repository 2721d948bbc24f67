package dev.blockedtime.benchmarks;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Counts the {@code jdk.ThreadPark} events of a Flight Recorder file (recorded with {@code
 * benchmarks/park-count.jfc}: every park, no threshold) by thread group and by the class of the
 * park's blocker. A thread's group is its name without trailing digits ({@code abq-take-3} is
 * {@code abq-take-}). Prints one tab-separated line per group and class: the group, the class, the
 * number of parks, how many of them lasted under 10 µs, and their total duration in seconds.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.blockedtime.benchmarks.ParkCounts FILE.jfr}
 */
public final class ParkCounts {
  private static final long SHORT_NANOS = 10_000;

  private ParkCounts() {}

  public static void main(String[] args) throws Exception {
    Map<String, long[]> counts = new TreeMap<>();
    try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!e.getEventType().getName().equals("jdk.ThreadPark")) {
          continue;
        }
        RecordedThread thread = e.getThread();
        String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
        RecordedClass parked = e.getClass("parkedClass");
        String key = name.replaceAll("\\d+$", "") + "\t" + (parked == null ? "-" : parked.getName());
        long nanos = e.getDuration().toNanos();
        long[] c = counts.computeIfAbsent(key, k -> new long[3]);
        c[0]++;
        if (nanos < SHORT_NANOS) {
          c[1]++;
        }
        c[2] += nanos;
      }
    }
    counts.forEach((k, c) -> System.out.printf("%s\t%d\t%d\t%.3f%n", k, c[0], c[1], c[2] / 1e9));
  }
}
