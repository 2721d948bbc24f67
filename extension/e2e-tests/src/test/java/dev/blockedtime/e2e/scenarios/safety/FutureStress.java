package dev.blockedtime.e2e.scenarios.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fan-out/fan-in under load: {@value #CALLERS} caller threads each submit work to a small pool
 * and wait for it with every form of wait ({@code FutureTask.get}, {@code CompletableFuture.get},
 * {@code join} and {@code allOf}, timed gets, {@code ForkJoinTask.get}/{@code join} from outside,
 * {@code Thread.join}), {@value #ROUNDS} rounds each; some timed gets give up and some gets are
 * interrupted on purpose. Prints one {@code RESULT futures} line per thread kind with sums that
 * are the same with and without the extension, or it changed what the application computes.
 * Runs on platform threads, then (JDK 21+) with virtual callers.
 *
 * <p>Results: {@code sum} of every value returned by a get or join, {@code timeouts} and {@code
 * interrupts} counted by the callers, {@code stuck} callers that did not end within a minute.
 */
public final class FutureStress {
  public static final int CALLERS = 8;
  public static final int ROUNDS = 150;
  /** Every tenth round has a timed get that gives up, and every 25th an interrupted get. */
  public static final int TIMEOUT_EVERY = 10;

  public static final int INTERRUPT_EVERY = 25;

  public static void main(String[] args) throws Exception {
    run(false);
    if (Safety.hasVirtualThreads()) {
      run(true);
    }
    System.out.println("DONE");
  }

  static void run(boolean virtual) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    ForkJoinPool fjp = new ForkJoinPool(2);
    AtomicLong sum = new AtomicLong();
    AtomicLong timeouts = new AtomicLong();
    AtomicLong interrupts = new AtomicLong();
    ThreadFactory factory = Safety.threads(virtual ? "future-caller-v" : "future-caller", virtual);
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      int caller = c;
      Thread t = factory.newThread(() -> {
        try {
          for (int round = 0; round < ROUNDS; round++) {
            sum.addAndGet(round(caller, round, pool, fjp, timeouts, interrupts));
          }
        } catch (Exception e) {
          System.out.println("UNEXPECTED " + e);
          e.printStackTrace(System.out);
        }
      });
      callers.add(t);
      t.start();
    }
    long stuck = 0;
    for (Thread t : callers) {
      t.join(60_000);
      if (t.isAlive()) {
        stuck++;
      }
    }
    pool.shutdown();
    fjp.shutdown();
    Safety.result(
        "futures", "threads", virtual ? "virtual" : "platform", "sum", sum.get(), "timeouts", timeouts.get(),
        "interrupts", interrupts.get(), "stuck", stuck);
  }

  static long round(
      int caller, int round, ExecutorService pool, ForkJoinPool fjp, AtomicLong timeouts, AtomicLong interrupts)
      throws Exception {
    long base = caller * 100_000L + round * 10L;
    long sum = 0;
    // fan out to the pool, fan in with get
    Future<Long> a = pool.submit(() -> work(base + 1));
    CompletableFuture<Long> b = CompletableFuture.supplyAsync(() -> work(base + 2), pool);
    CompletableFuture<Long> c = CompletableFuture.supplyAsync(() -> work(base + 3));
    sum += a.get();
    sum += b.get();
    sum += c.join();
    CompletableFuture<Long> d = CompletableFuture.supplyAsync(() -> work(base + 4), pool);
    CompletableFuture.allOf(d).join();
    sum += d.get(10, TimeUnit.SECONDS);
    ForkJoinTask<Long> e = fjp.submit(new Work(base + 5));
    sum += round % 2 == 0 ? e.get() : e.join();
    Thread t = new Thread(() -> work(0));
    t.start();
    t.join();
    if (round % TIMEOUT_EVERY == 0) {
      CompletableFuture<Long> never = new CompletableFuture<>();
      try {
        never.get(1, TimeUnit.MILLISECONDS);
      } catch (TimeoutException expected) {
        timeouts.incrementAndGet();
      }
      // the task finishes only once the timed get gave up, however the threads are scheduled
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      Future<Long> slow = pool.submit(() -> {
        release.await();
        return 0L;
      });
      try {
        slow.get(1, TimeUnit.MILLISECONDS);
      } catch (TimeoutException expected) {
        timeouts.incrementAndGet();
      } finally {
        release.countDown();
      }
      sum += slow.get();
    }
    if (round % INTERRUPT_EVERY == 0) {
      CompletableFuture<Long> never = new CompletableFuture<>();
      Thread self = Thread.currentThread();
      Thread interrupter = new Thread(() -> {
        sleep(2);
        self.interrupt();
      });
      interrupter.start();
      try {
        never.get();
      } catch (InterruptedException expected) {
        interrupts.incrementAndGet();
      }
      interrupter.join();
      Thread.interrupted(); // in case the interrupt came after get returned
    }
    return sum;
  }

  static long work(long value) {
    sleep(1);
    return value;
  }

  static final class Work extends RecursiveTask<Long> {
    final long value;

    Work(long value) {
      this.value = value;
    }

    @Override
    protected Long compute() {
      return work(value);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
