package dev.blockedtime.e2e.scenarios.safety;

import dev.blockedtime.e2e.scenarios.MonitorScenario;

/**
 * A JVM that starts threads by the thousand for longer than the JFR stream's renewal interval
 * (ten seconds): 2,000 short threads a second for {@code seconds} seconds, one in a hundred
 * entering a contended monitor, after blocked-time's JFR stream has started. Prints {@code RESULT
 * threadChurn threads=N heapGrowthMb=M}, the live heap after the churn (and the stream's last
 * handover) less the live heap before it. Argument {@code off}: do not wait for the stream (the
 * agent alone).
 */
public final class ThreadChurnScenario {
  static final int PER_SECOND = 2_000;

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[0]);
    if (args.length < 2 || !args[1].equals("off")) {
      MonitorScenario.awaitMonitorStream();
    }
    long before = Safety.usedHeapAfterGc();
    Object monitor = new Object();
    int started = 0;
    long start = System.nanoTime();
    for (int s = 0; s < seconds; s++) {
      for (int i = 0; i < PER_SECOND; i++) {
        Thread t = new Thread(i % 100 == 0 ? () -> enter(monitor) : () -> {});
        t.start();
        t.join();
        started++;
      }
      long due = start + (s + 1) * 1_000_000_000L;
      long early = due - System.nanoTime();
      if (early > 0) {
        Thread.sleep(early / 1_000_000);
      }
    }
    Thread.sleep(5_000); // a handover under way closes its old stream within three flushes
    long after = Safety.usedHeapAfterGc();
    Safety.result("threadChurn", "threads", started, "heapGrowthMb", (after - before) / (1024 * 1024));
  }

  private static void enter(Object monitor) {
    synchronized (monitor) {
      monitor.hashCode();
    }
  }
}
