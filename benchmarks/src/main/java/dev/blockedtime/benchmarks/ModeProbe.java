package dev.blockedtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ExecutorBenchmarks}' submit+run loop outside JMH, with a witness of the host beside it:
 * one line a second with the tasks run per microsecond, the worker's CPU share, and the round
 * trip of a cache line between two threads (a volatile counter bounced 200,000 times, right after
 * the second's work, with the worker drained). The executor benchmarks run in two modes about
 * twice apart; this says whether a mode is the host's (the round trip moves with it) or the
 * worker's (parking: its CPU share falls).
 *
 * <pre>java [agent, extension] -cp benchmarks.jar dev.blockedtime.benchmarks.ModeProbe fjp|tpe SECONDS [PAUSES]</pre>
 *
 * <p>PAUSES: how many {@code Thread.onSpinWait()} the submitter runs between two reads of the
 * count of tasks run while it waits for the worker (default 1, as the JMH benchmark did).
 *
 * Prints {@code SECOND pool=... s=... opsPerUs=... workerCpu=... submitterCpu=... pingPongNs=...}.
 */
public final class ModeProbe {
  static final int BATCH = ExecutorBenchmarks.BATCH;
  private static volatile Thread worker;
  private static volatile long ball;

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    int seconds = Integer.parseInt(args[1]);
    int pauses = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    ExecutorService pool =
        kind.equals("fjp")
            ? new ForkJoinPool(
                1,
                p -> {
                  ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                  worker = t;
                  return t;
                },
                null,
                false)
            : new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                r -> {
                  Thread t = new Thread(r);
                  worker = t;
                  return t;
                });
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    AtomicInteger ran = new AtomicInteger();
    long submitted = 0;
    pool.execute(() -> {}); // starts the worker
    for (int s = 0; s < seconds; s++) {
      long cpu0 = mx.getThreadCpuTime(worker.getId());
      long own0 = mx.getCurrentThreadCpuTime();
      int ran0 = ran.get();
      long t0 = System.nanoTime();
      long end = t0 + 1_000_000_000L;
      while (System.nanoTime() < end) {
        for (int i = 0; i < BATCH; i++) {
          pool.execute(() -> ran.incrementAndGet());
        }
        submitted += BATCH;
        while (ran.get() < submitted - BATCH) {
          for (int k = 0; k < pauses; k++) {
            Thread.onSpinWait();
          }
        }
      }
      long t1 = System.nanoTime();
      long cpu1 = mx.getThreadCpuTime(worker.getId());
      long own1 = mx.getCurrentThreadCpuTime();
      int tasks = ran.get() - ran0;
      while (ran.get() < submitted) {
        Thread.onSpinWait();
      }
      System.out.printf(
          "SECOND pool=%s s=%d opsPerUs=%.3f workerCpu=%.2f submitterCpu=%.2f pingPongNs=%.0f%n",
          kind,
          s,
          tasks / ((t1 - t0) / 1000.0),
          (cpu1 - cpu0) / (double) (t1 - t0),
          (own1 - own0) / (double) (t1 - t0),
          pingPong(200_000));
    }
    pool.shutdownNow();
  }

  /** The mean round trip of a cache line between this thread and a new one, in ns. */
  static double pingPong(int trips) throws InterruptedException {
    ball = 0;
    Thread other =
        new Thread(
            () -> {
              for (long i = 1; i < 2L * trips; i += 2) {
                while (ball != i) {
                  Thread.onSpinWait();
                }
                ball = i + 1;
              }
            });
    other.start();
    long t0 = System.nanoTime();
    for (long i = 0; i < 2L * trips; i += 2) {
      while (ball != i) {
        Thread.onSpinWait();
      }
      ball = i + 1;
    }
    while (ball != 2L * trips) {
      Thread.onSpinWait();
    }
    long t1 = System.nanoTime();
    other.join();
    return (t1 - t0) / (double) trips;
  }
}
