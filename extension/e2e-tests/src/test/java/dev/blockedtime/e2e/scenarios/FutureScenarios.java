package dev.blockedtime.e2e.scenarios;

import static dev.blockedtime.e2e.harness.ScenarioSupport.awaitSignal;
import static dev.blockedtime.e2e.harness.ScenarioSupport.mark;
import static dev.blockedtime.e2e.scenarios.QueueScenarios.later;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Threads that wait for work another thread finishes: one method per case, so that each wait's
 * stack (and so its {@code code.stacktrace.hash}) starts in its own method. The other side always
 * finishes after {@value #WORK_MS} ms, so every wait is about that long.
 *
 * <p>Argument {@code stuck}: one thread waits in {@code CompletableFuture.get} until the test
 * sends {@code RELEASE}, for the in-progress gauges.
 */
public final class FutureScenarios {
  static final long WORK_MS = 200;
  public static final int COMPLETED_JOINS = 1_000_000;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("stuck")) {
      stuck();
      return;
    }
    completableGet();
    completableJoin();
    completableTimedGetGivesUp();
    completableGetInterrupted();
    futureTaskGet();
    forkJoinFromOutside();
    joinInSpan();
    completedJoins();
    doneFutureTaskGet();
    if (Runtime.version().feature() >= 21) {
      virtualThreadJoin();
    }
    mark("DONE");
  }

  static void completableGet() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    later(WORK_MS, () -> f.complete("x"));
    f.get();
  }

  static void completableJoin() {
    CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
      sleep(WORK_MS);
      return "x";
    });
    f.join();
  }

  static void completableTimedGetGivesUp() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    try {
      never.get(WORK_MS, TimeUnit.MILLISECONDS);
      throw new IllegalStateException("a future nobody completes completed");
    } catch (TimeoutException expected) {
      // the wait gave up
    }
  }

  static void completableGetInterrupted() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    Thread self = Thread.currentThread();
    later(WORK_MS, self::interrupt);
    try {
      never.get();
      throw new IllegalStateException("a future nobody completes completed");
    } catch (InterruptedException expected) {
      // the wait was interrupted
    }
  }

  static void futureTaskGet() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> f = pool.submit(() -> {
        Thread.sleep(WORK_MS);
        return "x";
      });
      f.get();
    } finally {
      pool.shutdown();
    }
  }

  /** A task the caller could not run itself: it is on a worker already, and sleeps there. */
  static void forkJoinFromOutside() throws Exception {
    ForkJoinPool pool = new ForkJoinPool(1);
    try {
      ForkJoinTask<String> first = pool.submit(new Sleeper());
      sleep(50); // the worker has taken it
      first.get();
      ForkJoinTask<String> second = pool.submit(new Sleeper());
      sleep(50);
      second.join();
    } finally {
      pool.shutdown();
    }
  }

  static final class Sleeper extends RecursiveTask<String> {
    @Override
    protected String compute() {
      sleep(WORK_MS);
      return "x";
    }
  }

  static void joinInSpan() {
    Span span = GlobalOpenTelemetry.getTracer("scenario").spanBuilder("fan-in").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      CompletableFuture<String> f = new CompletableFuture<>();
      later(WORK_MS, () -> f.complete("x"));
      f.join();
    } finally {
      span.end();
    }
  }

  /** A future that is already done: nothing waits, nothing is recorded. */
  static void completedJoins() {
    CompletableFuture<String> done = CompletableFuture.completedFuture("x");
    long sum = 0;
    long start = System.nanoTime();
    for (int i = 0; i < COMPLETED_JOINS; i++) {
      sum += done.join().length();
    }
    mark("COMPLETED_JOINS " + sum + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
  }

  static void doneFutureTaskGet() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> f = pool.submit(() -> "x");
      while (!f.isDone()) {
        Thread.sleep(1);
      }
      for (int i = 0; i < 1000; i++) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  static void virtualThreadJoin() throws Exception {
    Thread t = VirtualThreadScenario.startVirtual(() -> sleep(WORK_MS));
    t.join();
  }

  static void stuck() throws Exception {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try {
        f.get();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, "stuck-waiter");
    waiter.start();
    mark("WAITING");
    awaitSignal("RELEASE");
    f.complete("x");
    waiter.join();
    mark("DONE");
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
