package dev.blockedtime.benchmarks;

import dev.blockedtime.benchmarks.ExecutorBenchmarks.PaddedLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * Each side of submit+run on its own, in time per task (lower is better), nanoseconds: what a
 * trivial task costs the thread that submits it, and what it costs the worker that runs it, each
 * measured while the other thread stays out of the way.
 *
 * <p>Why: in {@link ExecutorBenchmarks} the two threads run at once and the throughput is that of
 * a pipeline, which moves with who is faster (a worker that catches up parks, and its submitter
 * then pays to wake it) and with the host's cache-line round trip ({@code ModeProbe}), more than
 * with the work each does. Here:
 *
 * <ul>
 *   <li>{@code tpeSubmitSide}, {@code fjpSubmitSide}: the benchmark thread submits {@value #TASKS}
 *       tasks (with {@code execute}) to a one-thread pool whose worker is held by a task that
 *       spins until released, so every task only queues. Between invocations (not timed) the
 *       worker is released and runs them.
 *   <li>{@code tpeRunSide}, {@code fjpRunSide}: {@value #TASKS} tasks are queued behind a held
 *       worker before the invocation (not timed); the invocation releases the worker and waits
 *       until it has run them all, so the worker never finds its queue empty and never parks.
 * </ul>
 *
 * {@value #TASKS} tasks stay within the extension's ring per pool (256 slots): this is the path of
 * a pool that keeps up, not of a backlog. The pools are {@code ThreadPoolExecutor(1, 1, ...)} with
 * an unbounded {@code LinkedBlockingQueue} and {@code ForkJoinPool(1)}, as in {@link
 * ExecutorBenchmarks}, and the tasks are its quiet ones (a lambda per task; the last one
 * publishes the round's number). Under {@code CompareRunner}'s {@code agent-floor} configuration
 * they time themselves by hand ({@link ExecutorBenchmarks#TIMED_BY_HAND}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExecutorSideBenchmarks {
  static final int TASKS = 200;

  /**
   * A one-thread pool, a way to hold its worker, and the number of the last round it ran. The
   * subclasses below add what happens around each invocation; JMH runs the inherited {@code
   * Setup} and {@code TearDown} methods of a state's superclasses.
   */
  public abstract static class Held {
    final PaddedLong hold = new PaddedLong();
    final PaddedLong holding = new PaddedLong();
    final PaddedLong ran = new PaddedLong();
    long round;
    ExecutorService pool;

    abstract ExecutorService newPool();

    @Setup(Level.Trial)
    public void open() {
      pool = newPool();
    }

    @TearDown(Level.Trial)
    public void close() {
      release();
      pool.shutdownNow();
    }

    /** Queues a task that spins until {@link #release}, and waits until the worker runs it. */
    void holdWorker() {
      long r = round + 1;
      hold.value = r;
      PaddedLong h = hold;
      PaddedLong started = holding;
      pool.execute(
          () -> {
            started.value = r;
            while (h.value == r) {
              Thread.onSpinWait();
            }
          });
      while (holding.value != r) {
        Thread.onSpinWait();
      }
    }

    void release() {
      hold.value = 0;
    }

    /** Submits one round of quiet tasks; the last publishes the round's number. */
    void submitRound() {
      ExecutorBenchmarks.submitQuiet(pool, TASKS, ran, ++round);
    }

    void awaitRound() {
      while (ran.value != round) {
        Thread.onSpinWait();
      }
    }
  }

  static ExecutorService threadPool() {
    return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
  }

  // ---------------------------------------------------------------- the submitting side

  /** Held before each invocation; released, and its round run, after it. */
  public abstract static class SubmitSide extends Held {
    @Setup(Level.Invocation)
    public void holdBefore() {
      holdWorker();
    }

    @TearDown(Level.Invocation)
    public void drainAfter() {
      release();
      awaitRound();
    }
  }

  @State(Scope.Thread)
  public static class TpeSubmitSide extends SubmitSide {
    @Override
    ExecutorService newPool() {
      return threadPool();
    }
  }

  @State(Scope.Thread)
  public static class FjpSubmitSide extends SubmitSide {
    @Override
    ExecutorService newPool() {
      return new ForkJoinPool(1);
    }
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public void tpeSubmitSide(TpeSubmitSide s) {
    s.submitRound();
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public void fjpSubmitSide(FjpSubmitSide s) {
    s.submitRound();
  }

  // ---------------------------------------------------------------- the worker's side

  /** A round queued behind the held worker before each invocation; the invocation runs it. */
  public abstract static class RunSide extends Held {
    @Setup(Level.Invocation)
    public void queueBefore() {
      holdWorker();
      submitRound();
    }

    void run() {
      release();
      awaitRound();
    }
  }

  @State(Scope.Thread)
  public static class TpeRunSide extends RunSide {
    @Override
    ExecutorService newPool() {
      return threadPool();
    }
  }

  @State(Scope.Thread)
  public static class FjpRunSide extends RunSide {
    @Override
    ExecutorService newPool() {
      return new ForkJoinPool(1);
    }
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public void tpeRunSide(TpeRunSide s) {
    s.run();
  }

  @Benchmark
  @OperationsPerInvocation(TASKS)
  public void fjpRunSide(FjpRunSide s) {
    s.run();
  }
}
