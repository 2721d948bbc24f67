package dev.blockedtime.e2e.scenarios;

import dev.blockedtime.e2e.harness.ScenarioSupport;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Every executor case of the end-to-end suite, one after another in one JVM. Each case builds its
 * executor in its own method, so the test tells them apart by {@code jvm.executor.name} (the
 * allocation site {@code ...ExecutorScenarios.<case>:<line>}). Prints a line per case with what
 * the test compares against (submission times, counts).
 */
public final class ExecutorScenarios {
  static final long BUSY_MS = 1500;
  public static final int FORK_JOIN_EACH = 20_000;

  public static void main(String[] args) throws Exception {
    busyWorkerInSpan();
    scheduledWhileBusy();
    commonPool();
    manyTasksOnIdlePool(Integer.parseInt(args.length > 0 ? args[0] : "200000"));
    forkJoinSubmissions(FORK_JOIN_EACH);
    rejected();
    handlerWaitsForSpace();
    virtualThreads();
    ScenarioSupport.mark("DONE");
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A one-thread pool busy for {@value #BUSY_MS} ms; a second task, submitted inside a span,
   * waits behind it. The span stays open until the task has run.
   */
  static void busyWorkerInSpan() throws Exception {
    // a first span, and a first submission inside one, load classes for a while: not while the
    // worker is busy
    ExecutorService pool = Executors.newFixedThreadPool(1);
    Span warmUp = GlobalOpenTelemetry.getTracer("scenario").spanBuilder("warm-up").startSpan();
    try (Scope ignored = warmUp.makeCurrent()) {
      pool.submit(() -> {}).get();
    } finally {
      warmUp.end();
    }
    CountDownLatch busy = new CountDownLatch(1);
    long[] busyEnded = new long[1];
    pool.execute(
        () -> {
          busy.countDown();
          sleep(BUSY_MS);
          busyEnded[0] = System.nanoTime();
        });
    busy.await();
    Span span = GlobalOpenTelemetry.getTracer("scenario").spanBuilder("submitter").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      long submitted = System.nanoTime();
      Future<?> queued = pool.submit(() -> {});
      queued.get();
      // what the point must show, give or take the hand-off to the worker
      ScenarioSupport.mark("QUEUED_MS " + (busyEnded[0] - submitted) / 1_000_000);
    } finally {
      span.end();
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Keeps a worker of {@code pool} busy for {@code ms} ms; returns once it has started. */
  static void occupy(java.util.concurrent.Executor pool, long ms) throws InterruptedException {
    CountDownLatch busy = new CountDownLatch(1);
    pool.execute(
        () -> {
          busy.countDown();
          sleep(ms);
        });
    busy.await();
  }

  /** A task that falls due 200 ms in while the single scheduler thread is busy for 1200 ms. */
  static void scheduledWhileBusy() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    occupy(scheduler, 1200);
    ScheduledFuture<?> late = scheduler.schedule(() -> {}, 200, TimeUnit.MILLISECONDS);
    late.get();
    scheduler.shutdown();
    scheduler.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * The common pool (parallelism 1 on two CPUs): a task that blocks its only worker for a second,
   * one submitted behind it, a {@code CompletableFuture} on it, and a parallel stream.
   */
  static void commonPool() throws Exception {
    ForkJoinPool common = ForkJoinPool.commonPool();
    occupy(common, 1000);
    // awaited through a latch: a thread that joins a fork/join task may run it itself
    CountDownLatch ran = new CountDownLatch(2);
    common.submit(ran::countDown);
    CompletableFuture.runAsync(ran::countDown, common);
    ran.await();
    int sum = IntStream.range(0, 10_000).parallel().map(i -> i % 7).sum();
    ScenarioSupport.mark("COMMON POOL DONE " + sum);
  }

  /** Many trivial tasks on a pool whose workers are idle: every one is a point. */
  static void manyTasksOnIdlePool(int tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch done = new CountDownLatch(tasks);
    for (int i = 0; i < tasks; i++) {
      pool.execute(done::countDown);
    }
    done.await();
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    ScenarioSupport.mark("MANY TASKS DONE " + tasks);
  }

  /**
   * A two-worker {@code ForkJoinPool} given {@code each} tasks from outside in each of three ways
   * (every one timed: {@code execute}, {@code CompletableFuture.supplyAsync} and {@code submit},
   * whose JDK wrappers differ), and {@code each} {@code CompletableFuture.runAsync} stages that
   * its tasks submit from inside it (internal submissions: never timed).
   */
  static void forkJoinSubmissions(int each) throws Exception {
    ForkJoinPool pool = new ForkJoinPool(2);
    CountDownLatch done = new CountDownLatch(4 * each);
    for (int i = 0; i < each; i++) {
      pool.execute(() -> CompletableFuture.runAsync(done::countDown, pool));
      pool.execute(done::countDown);
      CompletableFuture.supplyAsync(() -> 1, pool).thenRun(done::countDown);
      pool.submit(done::countDown);
    }
    done.await();
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    ScenarioSupport.mark("FORK JOIN DONE " + each);
  }

  /**
   * JDK 21+: virtual threads, whose scheduler is a {@code ForkJoinPool} the JDK builds for itself
   * when the first one starts (here): not an application executor.
   */
  static void virtualThreads() throws Exception {
    if (Runtime.version().feature() < 21) {
      return;
    }
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Thread t = (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class)
          .invoke(null, (Runnable) () -> sleep(1));
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /** A pool with no queue and one thread: the second task is rejected and records nothing. */
  static void rejected() throws Exception {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>());
    occupy(pool, 300);
    try {
      pool.execute(() -> {});
      throw new AssertionError("not rejected");
    } catch (RejectedExecutionException expected) {
      ScenarioSupport.mark("REJECTED");
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * A pool whose queue holds one task, with the application's own rejection handler that waits
   * for space (the usual way to make submitters wait): the third task waits in the handler, then
   * in the queue. Each of the three is one point; the third's runs from its submission.
   */
  static void handlerWaitsForSpace() throws Exception {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1),
            (task, executor) -> {
              try {
                if (!executor.getQueue().offer(task, 10, TimeUnit.SECONDS)) {
                  throw new RejectedExecutionException("still full");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException(e);
              }
            });
    occupy(pool, 300);
    pool.execute(() -> sleep(300)); // queued
    long submitted = System.nanoTime();
    CountDownLatch third = new CountDownLatch(1);
    pool.execute(third::countDown); // the queue is full: waits in the handler, then queued
    third.await();
    ScenarioSupport.mark("HANDLER_THIRD_MS " + (System.nanoTime() - submitted) / 1_000_000);
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }
}
