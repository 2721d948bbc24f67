package dev.blockedtime.e2e.scenarios.safety;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * Executors under load and at their edges, for the safety suite: every task runs exactly once,
 * the pools hand back the application's own task objects ({@code getQueue()}, {@code remove},
 * {@code shutdownNow()}), results are exact; then thousands of executors built and dropped. Run
 * with and without the extension: the deterministic keys of each RESULT line must match.
 */
public final class ExecutorStress {
  static final int SUBMITTERS = 8;
  static final int PER_SUBMITTER = 20_000;

  public static void main(String[] args) throws Exception {
    threadPoolUnderLoad();
    poolsHandBackTheApplicationsTasks();
    scheduledTasks();
    forkJoin();
    manyExecutors(Integer.parseInt(args.length > 0 ? args[0] : "20000"));
    System.out.println("DONE");
  }

  /**
   * Eight submitters, 160,000 tasks, a bounded queue that fills (the overflow runs in the caller),
   * {@code execute} and {@code submit} mixed: each task runs once.
   */
  static void threadPoolUnderLoad() throws Exception {
    int total = SUBMITTERS * PER_SUBMITTER;
    AtomicIntegerArray runs = new AtomicIntegerArray(total);
    AtomicLong onWorkers = new AtomicLong();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            4, 4, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100),
            Safety.threads("stress-worker", false), new ThreadPoolExecutor.CallerRunsPolicy());
    List<Thread> submitters =
        Safety.start(
            Safety.threads("stress-submitter", false),
            SUBMITTERS,
            s -> {
              List<Future<?>> futures = new ArrayList<>();
              for (int i = 0; i < PER_SUBMITTER; i++) {
                int id = s * PER_SUBMITTER + i;
                Runnable task = () -> {
                  runs.incrementAndGet(id);
                  if (Thread.currentThread().getName().startsWith("stress-worker")) {
                    onWorkers.incrementAndGet();
                  }
                };
                if (i % 2 == 0) {
                  pool.execute(task);
                } else {
                  futures.add(pool.submit(task));
                }
              }
              for (Future<?> f : futures) {
                f.get();
              }
            });
    int stuck = Safety.joinAll(submitters, Safety.deadline(120_000));
    pool.shutdown();
    boolean terminated = pool.awaitTermination(60, TimeUnit.SECONDS);
    int once = 0;
    int duplicates = 0;
    int lost = 0;
    for (int i = 0; i < total; i++) {
      int n = runs.get(i);
      if (n == 1) {
        once++;
      } else if (n == 0) {
        lost++;
      } else {
        duplicates++;
      }
    }
    Safety.result("threadPool", "tasks", total, "once", once, "duplicates", duplicates, "lost", lost,
        "stuck", stuck, "terminated", terminated, "onWorkers", onWorkers.get());
  }

  /** The application's task objects, not wrappers, in the queue, in remove, in shutdownNow. */
  static void poolsHandBackTheApplicationsTasks() throws Exception {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(1);
    pool.execute(() -> {
      blocking.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    blocking.await();
    AtomicInteger ran = new AtomicInteger();
    List<Runnable> mine = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Runnable r = ran::incrementAndGet;
      mine.add(r);
      pool.execute(r);
    }
    Future<?> future = pool.submit(ran::incrementAndGet);
    List<Object> queued = new ArrayList<>(pool.getQueue());
    boolean queueIsMine = queued.size() == 101 && sameObjects(queued.subList(0, 100), mine) && queued.get(100) == future;
    boolean removed = pool.remove(mine.get(50)) && pool.remove((Runnable) future);
    mine.remove(50);
    List<Runnable> handedBack = pool.shutdownNow();
    boolean shutdownNowIsMine = sameObjects(handedBack, mine);
    release.countDown();
    boolean terminated = pool.awaitTermination(10, TimeUnit.SECONDS);
    Safety.result("handBack", "queueIsMine", queueIsMine, "removed", removed,
        "shutdownNowIsMine", shutdownNowIsMine, "ranAfterShutdownNow", ran.get(), "terminated", terminated);
  }

  static boolean sameObjects(List<?> a, List<?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Set<Object> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(a);
    return b.stream().allMatch(set::contains);
  }

  /** Delayed and periodic tasks on two scheduler threads; a cancelled one never runs. */
  static void scheduledTasks() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    AtomicInteger delayedRuns = new AtomicInteger();
    List<ScheduledFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      futures.add(scheduler.schedule(delayedRuns::incrementAndGet, i % 50, TimeUnit.MILLISECONDS));
    }
    ScheduledFuture<?> cancelled = scheduler.schedule(delayedRuns::incrementAndGet, 10, TimeUnit.SECONDS);
    boolean cancel = cancelled.cancel(false);
    // The periodic task cancels itself from its tenth run on: cancelled from outside, a run a
    // worker has already taken (and the extension recorded) might then not run, and the count of
    // points could not be told exactly.
    AtomicInteger periodicRuns = new AtomicInteger();
    AtomicReference<ScheduledFuture<?>> periodic = new AtomicReference<>();
    CountDownLatch cancelled10 = new CountDownLatch(1);
    periodic.set(
        scheduler.scheduleAtFixedRate(() -> {
          if (periodicRuns.incrementAndGet() >= 10 && periodic.get() != null) {
            periodic.get().cancel(false);
            cancelled10.countDown();
          }
        }, 0, 5, TimeUnit.MILLISECONDS));
    for (ScheduledFuture<?> f : futures) {
      f.get();
    }
    cancelled10.await();
    scheduler.shutdown();
    boolean terminated = scheduler.awaitTermination(10, TimeUnit.SECONDS);
    Safety.result("scheduled", "delayedRuns", delayedRuns.get(), "cancel", cancel,
        "periodicAtLeastTen", periodicRuns.get() >= 10, "terminated", terminated,
        "periodicRuns", periodicRuns.get());
  }

  static final class Sum extends RecursiveTask<Long> {
    final int from;
    final int to;

    Sum(int from, int to) {
      this.from = from;
      this.to = to;
    }

    @Override
    protected Long compute() {
      if (to - from <= 1000) {
        long s = 0;
        for (int i = from; i < to; i++) {
          s += i;
        }
        return s;
      }
      int mid = (from + to) >>> 1;
      Sum left = new Sum(from, mid);
      left.fork();
      return new Sum(mid, to).compute() + left.join();
    }
  }

  /** External submissions from eight threads, fork/join inside, the common pool, futures. */
  static void forkJoin() throws Exception {
    ForkJoinPool pool = new ForkJoinPool(4);
    AtomicLong results = new AtomicLong();
    List<Thread> submitters =
        Safety.start(
            Safety.threads("fj-submitter", false),
            SUBMITTERS,
            s -> {
              List<Future<Integer>> futures = new ArrayList<>();
              for (int i = 0; i < 10_000; i++) {
                int v = i;
                Callable<Integer> c = () -> v % 3;
                futures.add(pool.submit(c));
              }
              for (Future<Integer> f : futures) {
                results.addAndGet(f.get());
              }
            });
    int stuck = Safety.joinAll(submitters, Safety.deadline(120_000));
    long forkJoinSum = pool.invoke(new Sum(0, 2_000_000));
    long commonSum = 0;
    List<CompletableFuture<Integer>> cfs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int v = i;
      cfs.add(CompletableFuture.supplyAsync(() -> v, ForkJoinPool.commonPool()));
    }
    for (CompletableFuture<Integer> cf : cfs) {
      commonSum += cf.get();
    }
    long streamSum = IntStream.range(0, 1_000_000).parallel().asLongStream().sum();
    pool.shutdown();
    boolean terminated = pool.awaitTermination(30, TimeUnit.SECONDS);
    Safety.result("forkJoin", "submitted", results.get(), "stuck", stuck, "forkJoinSum", forkJoinSum,
        "commonSum", commonSum, "streamSum", streamSum, "terminated", terminated);
  }

  /**
   * Executors built and dropped by the thousand, half shut down and half left to their idle
   * threads' time-out: the heap after GC is where it was, and the pools are collected.
   */
  static void manyExecutors(int count) throws Exception {
    long before = Safety.usedHeapAfterGc();
    WeakReference<Object> last = null;
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < count; i++) {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(1, 1, 1, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
      pool.allowCoreThreadTimeOut(true);
      pool.execute(ran::incrementAndGet);
      if (i % 2 == 0) {
        pool.shutdown();
      }
      last = new WeakReference<>(pool);
      if (i % 1000 == 999) {
        while (ran.get() < i + 1) {
          Thread.sleep(1);
        }
      }
    }
    for (int i = 0; i < count / 10; i++) {
      ForkJoinPool pool = new ForkJoinPool(1);
      pool.submit(ran::incrementAndGet).get();
      pool.shutdown();
    }
    Thread.sleep(500); // idle threads time out
    // the registry drops the entries of collected executors at the next gauge collection (every
    // 250 ms here) after the GC that cleared them
    System.gc();
    Thread.sleep(1000);
    long after = Safety.usedHeapAfterGc();
    for (int i = 0; i < 5 && last.get() != null; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Safety.result("manyExecutors", "executors", count + count / 10, "ran", ran.get(),
        "lastCollected", last.get() == null, "heapGrowthMb", (after - before) / (1024 * 1024));
  }
}
