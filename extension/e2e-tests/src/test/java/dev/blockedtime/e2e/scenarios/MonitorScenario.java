package dev.blockedtime.e2e.scenarios;

import static dev.blockedtime.e2e.harness.ScenarioSupport.awaitSignal;
import static dev.blockedtime.e2e.harness.ScenarioSupport.mark;

import java.util.concurrent.CountDownLatch;
import jdk.jfr.FlightRecorder;
import jdk.jfr.RecordingState;

/**
 * {@code synchronized} contention: many uncontended enters of a {@link Tally}, then one enter of a
 * {@link Ledger} that another thread holds for {@value #HOLD_MS} ms. Prints the threads it sees,
 * then waits for the test's {@code EXIT}, so the test can wait for the JFR events (they arrive
 * about a second late) while the JVM lives.
 *
 * <p>Argument {@code off}: do not wait for blocked-time's JFR stream (monitors are switched off).
 */
public final class MonitorScenario {
  static final long HOLD_MS = 200;

  /** The contended monitor's class: its name is the wait's {@code jvm.lock.name}. */
  static final class Ledger {}

  /** Only ever entered by one thread. */
  static final class Tally {
    int count;
  }

  public static void main(String[] args) throws Exception {
    boolean streamExpected = args.length == 0 || !args[0].equals("off");
    if (streamExpected) {
      awaitMonitorStream();
    }
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("blocked-time-"))
        .forEach(t -> mark("THREAD " + t.getName() + " daemon=" + t.isDaemon()));
    mark("JFR recordings " + (FlightRecorder.isInitialized() ? FlightRecorder.getFlightRecorder().getRecordings().size() : 0));
    uncontended();
    contended();
    mark("CONTENDED");
    awaitSignal("EXIT");
    mark("DONE");
  }

  /** JFR starts in the background, a few hundred milliseconds after the agent. */
  public static void awaitMonitorStream() throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!FlightRecorder.isInitialized()
        || FlightRecorder.getFlightRecorder().getRecordings().stream()
            .noneMatch(r -> r.getState() == RecordingState.RUNNING)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no JFR recording running after 30 s");
      }
      Thread.sleep(10);
    }
  }

  static void uncontended() {
    Tally tally = new Tally();
    for (int i = 0; i < 100_000; i++) {
      synchronized (tally) {
        tally.count++;
      }
    }
  }

  static void contended() throws InterruptedException {
    Ledger ledger = new Ledger();
    CountDownLatch held = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              synchronized (ledger) {
                held.countDown();
                sleep(HOLD_MS);
              }
            },
            "ledger-holder");
    holder.start();
    held.await();
    synchronized (ledger) { // the wait: this line is the top frame of its stack
      ledger.notifyAll();
    }
    holder.join();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
