package dev.blockedtime.e2e.scenarios.safety;

import dev.blockedtime.e2e.harness.ScenarioSupport;

/**
 * Every queue workload of {@link QueueStress} and every lock workload of {@link LockStress}, one
 * after another, on platform threads and then (JDK 21+) the queue workloads again on virtual
 * threads. Runs the same with or without the agent and the extension; each workload prints one
 * {@code RESULT} line, and a {@code RESULT phase} line separates the platform and virtual
 * phases. Arguments: optional workload names to run only those (for debugging).
 */
public final class StressScenario {
  /** Timed polls per queue type while the CPU is saturated (see {@link SaturatedTimeouts}). */
  public static final int SATURATED_POLLS = 150;

  public static void main(String[] args) throws Exception {
    java.util.Set<String> only = java.util.Set.of(args);
    for (QueueStress.Workload w : QueueStress.Workload.values()) {
      if (only.isEmpty() || only.contains(w.name())) {
        QueueStress.run(w, false);
      }
    }
    for (LockStress.Workload w : LockStress.Workload.values()) {
      if (only.isEmpty() || only.contains(w.name())) {
        LockStress.run(w, false);
      }
    }
    // Every platform wait is exported before this moment, every virtual one after it: the test
    // tells the two phases apart in the cumulative histograms by this time.
    ScenarioSupport.awaitExport();
    Safety.result("phase", "name", "platform-done", "epochNanos", Safety.epochNanos());
    Thread.sleep(100);
    if (Safety.hasVirtualThreads()) {
      for (QueueStress.Workload w : QueueStress.Workload.values()) {
        if (only.isEmpty() || only.contains(w.name())) {
          QueueStress.run(w, true);
        }
      }
    }
    if (only.isEmpty() || only.contains("SATURATED")) {
      SaturatedTimeouts.run(SATURATED_POLLS);
    }
    System.out.println("DONE");
  }
}
