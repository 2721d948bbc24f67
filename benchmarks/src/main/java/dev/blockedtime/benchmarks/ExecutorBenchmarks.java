package dev.blockedtime.benchmarks;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;
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
 *   <li>{@code fjpInternalAsync}: {@code CompletableFuture.runAsync(r, pool)} called by a task
 *       running in that {@code ForkJoinPool(1)}: internal submissions, which are not timed. Each
 *       invocation submits one external task that submits the batch; only the batch is counted.
 *       This is the cost of an untimed task of the JDK's (an {@code *Async} stage started inside
 *       the pool) in a pool that also takes external submissions.
 *   <li>{@code tpeQuietSubmitRun}, {@code fjpQuietSubmitRun}: the first two, with tasks that write
 *       nothing the submitter reads but the batch's last one, which publishes the batch's number.
 *       In the first two every task increments the count that the submitter polls while it
 *       waits, so a worker slower than its submitter loses that line to the submitter's reads
 *       between its tasks and pays a round trip between the CPUs per task (see {@code ModeProbe}):
 *       that measures the benchmark's wait as much as the tasks. Here the worker pays it once per
 *       batch at most. Under {@code CompareRunner}'s {@code agent-floor} configuration their
 *       tasks time themselves by hand ({@link #TIMED_BY_HAND}).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExecutorBenchmarks {
  static final int BATCH = 100;

  /**
   * Set by {@code CompareRunner}'s {@code agent-floor} configuration (the agent alone): the quiet
   * benchmarks' tasks then time themselves, with the least that any design meeting the contract
   * adds to a task (its submit time read on the submitting thread and carried in the task itself,
   * its start time read on the worker, and one point of the SDK's explicit-bucket histogram with
   * cached attributes; no lookup, no ring, no context). What it costs each thread, measured by
   * {@link ExecutorSideBenchmarks}, is the least any such design adds there. In these two-thread
   * benchmarks its ratio to the agent alone is no such bound: added work moves the pipeline's
   * balance, and the ratio moved both ways (README, "Each thread's share"). A constant: the JIT
   * folds the other branch away.
   */
  static final boolean TIMED_BY_HAND = Boolean.getBoolean("blockedtime.bench.timedByHand");

  static final TimedByHand BY_HAND = TIMED_BY_HAND ? new TimedByHand() : null;

  /**
   * The histogram the tasks timed by hand record into: the SDK's, built as the extension's is, but
   * with no exemplars (the extension's points look at the context for one; here the application's
   * API is bridged to the agent's, which would make that look dearer than the extension's).
   */
  static final class TimedByHand {
    final DoubleHistogram histogram =
        TaskTimingFloorBenchmarks.executorHistogram(
            TaskTimingFloorBenchmarks.newProviderWithoutExemplars());
    final Attributes attributes = TaskTimingFloorBenchmarks.executorAttributes();
    final Context root = Context.root();

    void started(long submitted) {
      histogram.record((System.nanoTime() - submitted) / 1e9, attributes, root);
    }
  }

  @State(Scope.Thread)
  public static class Pools {
    final AtomicInteger ran = new AtomicInteger();
    int submitted;
    /** The number of the last batch whose last task ran, alone on its cache lines. */
    final PaddedLong batchesRun = new PaddedLong();
    long batches;
    ThreadPoolExecutor tpe;
    ForkJoinPool fjp;
    Runnable fanOut;

    @Setup(Level.Trial)
    public void setup() {
      tpe = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
      fjp = new ForkJoinPool(1);
      fanOut =
          () -> {
            for (int i = 0; i < BATCH; i++) {
              CompletableFuture.runAsync(() -> ran.incrementAndGet(), fjp);
            }
          };
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

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int fjpInternalAsync(Pools p) {
    p.fjp.execute(p.fanOut);
    p.submitted += BATCH;
    int n;
    while ((n = p.ran.get()) < p.submitted - BATCH) {
      Thread.onSpinWait();
    }
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long tpeQuietSubmitRun(Pools p) {
    return submitBatchAndAwait(p.tpe, p);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long fjpQuietSubmitRun(Pools p) {
    return submitBatchAndAwait(p.fjp, p);
  }

  /** A long alone on its cache lines: the padding keeps the pool's and the state's fields off them. */
  static final class PaddedLong {
    long p1, p2, p3, p4, p5, p6, p7;
    volatile long value;
    long q1, q2, q3, q4, q5, q6, q7;
  }

  static void work(int i) {}

  /**
   * Submits a batch of tasks that write nothing shared (each a lambda of its own: it captures its
   * index) and then one that publishes the batch's number; waits until the worker is at most one
   * batch behind, as {@link #submitAndAwait} does.
   */
  private static long submitBatchAndAwait(ExecutorService pool, Pools p) {
    long batch = ++p.batches;
    PaddedLong run = p.batchesRun;
    submitQuiet(pool, BATCH, run, batch);
    long n;
    while ((n = run.value) < batch - 1) {
      Thread.onSpinWait();
    }
    return n;
  }

  /**
   * Submits {@code count} quiet tasks: all but the last write nothing shared (each a lambda of its
   * own: it captures its index), and the last writes {@code value} to {@code done}. Under {@link
   * #TIMED_BY_HAND} each captures its submit time instead and times itself when it runs.
   */
  static void submitQuiet(ExecutorService pool, int count, PaddedLong done, long value) {
    if (TIMED_BY_HAND) {
      TimedByHand timing = BY_HAND;
      for (int i = 0; i < count - 1; i++) {
        long submitted = System.nanoTime();
        pool.execute(() -> timing.started(submitted));
      }
      long submitted = System.nanoTime();
      pool.execute(
          () -> {
            timing.started(submitted);
            done.value = value;
          });
    } else {
      for (int i = 0; i < count - 1; i++) {
        int k = i;
        pool.execute(() -> work(k));
      }
      pool.execute(() -> done.value = value);
    }
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
