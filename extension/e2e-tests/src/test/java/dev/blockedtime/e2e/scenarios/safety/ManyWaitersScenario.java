package dev.blockedtime.e2e.scenarios.safety;

import dev.blockedtime.e2e.harness.ScenarioSupport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Thousands of threads blocked at once on a few resources, a quarter on each: consumers on an
 * empty queue, producers on a full one, lockers behind a held lock, acquirers of a semaphore
 * without permits. First {@code platform} platform threads, then (JDK 21+) {@code virtual}
 * virtual threads.
 *
 * <p>Measures, in this JVM: the CPU time of the agent's metric reader thread (which runs the
 * gauges' callbacks) over {@code measureMillis} with no waiter and with all of them blocked, and
 * the live heap before and with the waiters. As a yardstick measured in the same window on the
 * same machine, the main thread meanwhile walks the waiting threads once per export interval, in a
 * shuffled order, reading each one's state: the least any walk over the waiters costs
 * ({@code walkCpuMicros}, per walk). Prints {@code RESULT idle ...}, then per kind of
 * thread {@code RESULT blocked threads=<kind> ...} once all of them wait, waits for {@code
 * RELEASE} on stdin (the test reads the gauges meanwhile), releases them and prints {@code
 * RESULT released threads=<kind> stuck=N}. Arguments: platform, virtual, measureMillis.
 */
public final class ManyWaitersScenario {
  static final String READER = "PeriodicMetricReader";
  static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** What the yardstick walk saw (kept, so that the walk does real work). */
  static final int[] STATES = new int[Thread.State.values().length];

  public static void main(String[] args) throws Exception {
    int platform = Integer.parseInt(args[0]);
    int virtual = Integer.parseInt(args[1]);
    long measureMillis = Long.parseLong(args[2]);

    warmUp();
    Thread.sleep(500);
    long[] idle = readerCpuOver(measureMillis, List.of());
    Safety.result("idle", "readerCpuMicros", idle[0] / 1000, "ms", measureMillis);

    blockReleaseAndReport("platform", Safety.threads("waiter", false), platform, measureMillis);
    if (virtual > 0 && Safety.hasVirtualThreads()) {
      blockReleaseAndReport("virtual", Safety.threads("vwaiter", true), virtual, measureMillis);
    }
    System.out.println("DONE");
  }

  /** The queues and locks of one phase, each built on its own line: its name tells them apart. */
  static final class Resources {
    final BlockingQueue<Object> empty = new ArrayBlockingQueue<>(1);
    final BlockingQueue<Object> full = new ArrayBlockingQueue<>(1);
    final ReentrantLock lock = new ReentrantLock();
    final Semaphore semaphore = new Semaphore(0);

    Resources() {
      full.add("x");
      lock.lock();
    }
  }

  /** One wait of each kind, so that every code path and series exists before measuring. */
  private static void warmUp() throws Exception {
    BlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    q.poll(2, TimeUnit.MILLISECONDS);
    new Semaphore(0).tryAcquire(2, TimeUnit.MILLISECONDS);
    Safety.usedHeapAfterGc();
  }

  private static void blockReleaseAndReport(String kind, ThreadFactory factory, int count, long measureMillis)
      throws Exception {
    Resources r = new Resources();
    long heapBefore = Safety.usedHeapAfterGc();
    long[] liveBefore = Safety.liveBytesByClassHistogram();
    int each = count / 4;
    long start = System.nanoTime();
    List<Thread> threads =
        Safety.start(factory, 4 * each, i -> {
          switch (i % 4) {
            case 0:
              r.empty.take();
              break;
            case 1:
              r.full.put("y");
              break;
            case 2:
              r.lock.lock();
              r.lock.unlock();
              break;
            default:
              r.semaphore.acquire();
          }
        });
    long deadline = Safety.deadline(60_000);
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    }
    long blockedMs = (System.nanoTime() - start) / 1_000_000;
    long heapWith = Safety.usedHeapAfterGc();
    long[] liveWith = Safety.liveBytesByClassHistogram();
    ScenarioSupport.awaitExport();
    long[] cpu = readerCpuOver(measureMillis, threads);
    Safety.result(
        "blocked",
        "threads", kind,
        "n", 4 * each,
        "each", each,
        "readerCpuMicros", cpu[0] / 1000,
        "walkCpuMicros", cpu[1] / 1000,
        "ms", measureMillis,
        "heapBeforeMb", Safety.mb(heapBefore),
        "heapWithMb", Safety.mb(heapWith),
        "bytesPerWaiter", (heapWith - heapBefore) / (4 * each),
        "liveBytesPerWaiter", (liveWith[0] - liveBefore[0]) / (4 * each),
        "stackChunkBytesPerWaiter", (liveWith[1] - liveBefore[1]) / (4 * each),
        "secondsToBlock", String.format(java.util.Locale.ROOT, "%.2f", blockedMs / 1000.0));
    ScenarioSupport.awaitSignal("RELEASE");

    for (int i = 0; i < each; i++) {
      r.empty.put("item");
      r.full.take();
    }
    r.semaphore.release(each);
    r.lock.unlock();
    int stuck = Safety.joinAll(threads, Safety.deadline(60_000));
    Safety.result("released", "threads", kind, "stuck", stuck);
  }

  /**
   * The reader's CPU time over {@code millis}, and the main thread's mean CPU time for one walk
   * over {@code threads}, walked once per export interval meanwhile.
   */
  private static long[] readerCpuOver(long millis, List<Thread> threads) throws InterruptedException {
    List<Thread> shuffled = new ArrayList<>(threads);
    Collections.shuffle(shuffled, new Random(42));
    long interval = Long.getLong("otel.metric.export.interval", 250);
    long walkCpu = 0;
    int walks = 0;
    long before = Safety.cpuNanosOfThreadsNamed(READER);
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      long start = THREADS.getCurrentThreadCpuTime();
      for (Thread t : shuffled) {
        STATES[t.getState().ordinal()]++;
      }
      walkCpu += THREADS.getCurrentThreadCpuTime() - start;
      walks++;
      Thread.sleep(Math.max(1, Math.min(interval, (end - System.nanoTime()) / 1_000_000)));
    }
    long reader = Safety.cpuNanosOfThreadsNamed(READER) - before;
    return new long[] {reader, walkCpu / Math.max(1, walks)};
  }
}
