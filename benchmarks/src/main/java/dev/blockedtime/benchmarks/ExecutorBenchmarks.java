package dev.blockedtime.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Submit and run trivial tasks. Throughput (higher is better), in tasks per microsecond.
 *
 * <p>Each invocation submits {@value #BATCH} new tasks (a lambda allocated per submission, as
 * applications write them) from the benchmark thread to a pool of one worker thread, then spins
 * until the worker is at most one batch behind (so it never runs dry and parks). No span is current, so the agent propagates no context; the
 * extension times every task (its queued time from submission to start) and records one
 * histogram point per task.
 *
 * <ul>
 *   <li>{@code tpeSubmitRun}: {@code ThreadPoolExecutor.execute} on a one-thread pool with an
 *       unbounded {@code LinkedBlockingQueue} (what {@code Executors.newFixedThreadPool(1)} builds).
 *   <li>{@code fjpSubmitRun}: {@code ForkJoinPool.execute(Runnable)} from outside the pool, on a
 *       {@code ForkJoinPool(1)}: external submissions.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExecutorBenchmarks {
  static final int BATCH = 100;

  @State(Scope.Thread)
  public static class Pools {
    final AtomicInteger ran = new AtomicInteger();
    int submitted;
    ThreadPoolExecutor tpe;
    ForkJoinPool fjp;

    @Setup(Level.Trial)
    public void setup() {
      tpe = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
      fjp = new ForkJoinPool(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      tpe.shutdownNow();
      fjp.shutdownNow();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int tpeSubmitRun(Pools p) {
    return submitAndAwait(p.tpe, p.ran, p);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int fjpSubmitRun(Pools p) {
    return submitAndAwait(p.fjp, p.ran, p);
  }

  /**
   * Submits a batch, then waits until the worker is at most one batch behind: the worker always
   * finds the next task queued and never parks (a park/unpark per batch made the first version
   * bimodal, 10x between forks of the same configuration, measuring the scheduler, not the tasks).
   */
  private static int submitAndAwait(ExecutorService pool, AtomicInteger ran, Pools p) {
    for (int i = 0; i < BATCH; i++) {
      pool.execute(() -> ran.incrementAndGet());
    }
    p.submitted += BATCH;
    int n;
    while ((n = ran.get()) < p.submitted - BATCH) {
      Thread.onSpinWait();
    }
    return n;
  }
}
