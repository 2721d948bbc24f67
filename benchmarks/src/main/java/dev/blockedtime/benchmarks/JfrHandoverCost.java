package dev.blockedtime.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.consumer.RecordingStream;

/**
 * What one handover of blocked-time's JFR stream costs (see {@code JfrMonitorEvents}): a second
 * stream with the same events is started on a thread of its own, runs three flushes beside the
 * first, and the first is closed. Prints the process's CPU time per handover beyond what the JVM
 * spends idle with one stream open. No agent needed:
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.blockedtime.benchmarks.JfrHandoverCost 10</pre>
 */
public final class JfrHandoverCost {
  private JfrHandoverCost() {}

  public static void main(String[] args) throws Exception {
    int handovers = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    RecordingStream current = open();
    Thread.sleep(5_000); // JFR's own start-up, out of the measurement

    long cpu = os.getProcessCpuTime();
    long wall = System.nanoTime();
    Thread.sleep(10_000);
    double idlePerWallNano = (double) (os.getProcessCpuTime() - cpu) / (System.nanoTime() - wall);

    cpu = os.getProcessCpuTime();
    wall = System.nanoTime();
    for (int i = 0; i < handovers; i++) {
      RecordingStream next = open();
      Thread.sleep(3_000); // the old stream's three more flushes
      current.close();
      current = next;
    }
    long busyCpu = os.getProcessCpuTime() - cpu;
    long busyWall = System.nanoTime() - wall;
    System.out.printf(
        java.util.Locale.ROOT,
        "RESULT jfr-handover %s handovers=%d cpuSeconds=%.2f wallSeconds=%.1f idleCpuPerWall=%.4f"
            + " msPerHandover=%.0f%n",
        Runtime.version(),
        handovers,
        busyCpu / 1e9,
        busyWall / 1e9,
        idlePerWallNano,
        (busyCpu - idlePerWallNano * busyWall) / handovers / 1e6);
  }

  /** A stream with the events blocked-time enables, started on a daemon thread, after its first flush. */
  private static RecordingStream open() throws InterruptedException {
    RecordingStream stream = new RecordingStream();
    Duration threshold = Duration.ofMillis(10);
    stream.enable("jdk.JavaMonitorEnter").withThreshold(threshold).withStackTrace();
    stream.enable("jdk.JavaMonitorWait").withThreshold(threshold).withStackTrace();
    CountDownLatch flushed = new CountDownLatch(1);
    stream.onFlush(flushed::countDown);
    Thread thread = new Thread(stream::start, "handover-stream");
    thread.setDaemon(true);
    thread.start();
    flushed.await();
    return stream;
  }
}
