package dev.blockedtime.benchmarks;

import java.util.concurrent.TimeUnit;

/**
 * Makes the {@code synchronized} benchmarks measure with blocked-time's monitor part on. The
 * extension starts its JFR stream ten seconds after the agent (to keep JFR's start-up out of the
 * application's), which in a JMH fork falls into the warm-up or the measurement. A trial's set-up
 * therefore waits, in forks where the extension's stream thread exists, until Flight Recorder is
 * running, then a little more for the stream's first flush. Forks without the extension pass
 * straight through.
 */
final class MonitorPart {
  private static final String STREAM_THREAD = "blocked-time-jfr";
  private static volatile boolean ready;

  private MonitorPart() {}

  static void awaitStreaming() throws InterruptedException {
    if (ready || !streamThreadExists()) {
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!jdk.jfr.FlightRecorder.isInitialized() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (!jdk.jfr.FlightRecorder.isInitialized()) {
      throw new IllegalStateException("blocked-time's JFR stream did not start within 60 s");
    }
    Thread.sleep(2_000);
    ready = true;
  }

  private static boolean streamThreadExists() {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(STREAM_THREAD));
  }
}
