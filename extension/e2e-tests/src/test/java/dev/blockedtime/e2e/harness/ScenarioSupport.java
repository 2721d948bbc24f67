package dev.blockedtime.e2e.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Helpers for scenario programs (they run inside the scenario JVM, not in the test). */
public final class ScenarioSupport {

  private static final BufferedReader STDIN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  private ScenarioSupport() {}

  /**
   * Sleeps two metric export intervals, so that at least one periodic export has run with the
   * current state: use it before printing a marker the test reacts to by reading gauges, or where
   * a scenario wants its state exported while it still runs. Not needed before a normal exit: the
   * agent exports everything on shutdown.
   */
  public static void awaitExport() {
    long interval = Long.getLong("otel.metric.export.interval", ScenarioJvm.EXPORT_INTERVAL_MILLIS);
    try {
      Thread.sleep(2 * interval);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Prints a marker line for {@link ScenarioJvm#awaitLine} and flushes it at once. */
  public static void mark(String marker) {
    System.out.println(marker);
    System.out.flush();
  }

  /**
   * Blocks until the test sends this exact line with {@link ScenarioJvm#sendLine}; fails if stdin
   * closes first.
   */
  public static void awaitSignal(String signal) {
    try {
      String line;
      while ((line = STDIN.readLine()) != null) {
        if (line.trim().equals(signal)) {
          return;
        }
      }
      throw new IllegalStateException("stdin closed before signal " + signal);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
