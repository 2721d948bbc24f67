package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The executor entry points driven by hand, as the advice calls them, with a recorder that keeps
 * what it is given. (No pool runs here: the test plays the pool's part.)
 */
class ExecutorTasksTest {
  @RegisterExtension final LogCapture log = new LogCapture();

  record Point(ResourceName name, long since, long queued, Object context) {}

  static final List<Point> POINTS = new CopyOnWriteArrayList<>();
  static volatile boolean throwing;
  static final Object CONTEXT = new Object();

  @BeforeAll
  static void start() {
    assertThat(ExecutorTasks.ready()).isTrue();
    ExecutorTasks.configure(Settings.defaults());
    ExecutorTasks.start(
        new TaskRecorder() {
          @Override
          public Object currentContext() {
            return CONTEXT;
          }

          @Override
          public void queued(ResourceName executor, long sinceNanos, long queuedNanos, Object context) {
            if (throwing) {
              throw new IllegalStateException("recorder fails");
            }
            POINTS.add(new Point(executor, sinceNanos, queuedNanos, context));
          }
        });
  }

  /** A pool whose beforeExecute counts its calls; registered as its constructor's advice would. */
  static final class CountingPool extends ThreadPoolExecutor {
    final AtomicInteger before = new AtomicInteger();

    CountingPool() {
      super(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
      before.incrementAndGet();
    }
  }

  static CountingPool newPool() {
    CountingPool pool = new CountingPool();
    ExecutorTasks.executorCreated(pool);
    return pool;
  }

  @Test
  void aTaskRecordsItsTimeFromSubmissionToStartAndBeforeExecuteStillRuns() throws Throwable {
    CountingPool pool = newPool();
    Runnable task = () -> {};
    int count = POINTS.size();
    long before = System.nanoTime();
    ExecutorTasks.submitted(pool, task);
    Thread.sleep(50);
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), task);
    long after = System.nanoTime();

    assertThat(pool.before.get()).isEqualTo(1);
    assertThat(POINTS).hasSize(count + 1);
    Point p = POINTS.get(count);
    assertThat(p.name).isSameAs(nameOf(pool)); // (its site: this package is skipped as the extension's own)
    assertThat(p.name.type).isEqualTo("ThreadPoolExecutor"); // a subclass: the nearest j.u.c class
    assertThat(p.name.kind).isEqualTo(ResourceName.Kind.EXECUTOR);
    assertThat(p.queued).isBetween(50_000_000L, after - before);
    assertThat(p.context).isSameAs(CONTEXT);
    pool.shutdownNow();
  }

  @Test
  void eachStartIsOnePointAndATaskNotSubmittedIsNone() throws Throwable {
    CountingPool pool = newPool();
    int before = POINTS.size();
    Runnable a = () -> {};
    Runnable b = () -> {};
    ExecutorTasks.submitted(pool, a);
    ExecutorTasks.submitted(pool, b);
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), b);
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), a);
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), a); // started again: not submitted again
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), () -> {});
    assertThat(POINTS.size() - before).isEqualTo(2);
    assertThat(pool.before.get()).isEqualTo(4);
    pool.shutdownNow();
  }

  @Test
  void aDroppedTaskRecordsNothingAndLeavesTheGauges() throws Throwable {
    CountingPool pool = newPool();
    Runnable task = () -> {};
    ExecutorTasks.submitted(pool, task);
    assertThat(groupOf(pool)).isNotNull();
    ExecutorTasks.dropped(pool, task);
    assertThat(groupOf(pool)).isNull();
    int before = POINTS.size();
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), task);
    assertThat(POINTS.size()).isEqualTo(before);
    pool.shutdownNow();
  }

  @Test
  void aRejectedTaskRecordsNothingUnlessTheApplicationsHandlerQueuedIt() throws Throwable {
    CountingPool pool = newPool();
    // a JDK policy: the entry goes when reject begins
    Runnable aborted = () -> {};
    ExecutorTasks.submitted(pool, aborted);
    ExecutorTasks.rejecting(pool, aborted);
    assertThat(groupOf(pool)).isNull();
    ExecutorTasks.rejected(pool, aborted, new java.util.concurrent.RejectedExecutionException());
    // the application's handler that waits for space and queues the task: it keeps its entry
    pool.setRejectedExecutionHandler((r, e) -> e.getQueue().offer(r));
    Runnable queued = () -> {};
    ExecutorTasks.submitted(pool, queued);
    ExecutorTasks.rejecting(pool, queued);
    pool.getQueue().offer(queued);
    ExecutorTasks.rejected(pool, queued, null);
    assertThat(groupOf(pool).tasks).isEqualTo(1);
    int before = POINTS.size();
    pool.getQueue().remove(queued);
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), queued);
    assertThat(POINTS.size()).isEqualTo(before + 1);
    // the application's handler that drops it, or throws: the entry goes
    Runnable droppedTask = () -> {};
    Runnable thrownTask = () -> {};
    ExecutorTasks.submitted(pool, droppedTask);
    ExecutorTasks.submitted(pool, thrownTask);
    ExecutorTasks.rejecting(pool, droppedTask);
    ExecutorTasks.rejected(pool, droppedTask, null);
    ExecutorTasks.rejecting(pool, thrownTask);
    ExecutorTasks.rejected(pool, thrownTask, new IllegalStateException());
    assertThat(groupOf(pool)).isNull();
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), droppedTask);
    assertThat(POINTS.size()).isEqualTo(before + 1);
    pool.shutdownNow();
  }

  @Test
  void theGaugesCountWaitingTasksAndTheOldestWait() throws Throwable {
    CountingPool pool = newPool();
    Runnable first = () -> {};
    Runnable second = () -> {};
    long t0 = System.nanoTime();
    ExecutorTasks.submitted(pool, first);
    Thread.sleep(20);
    ExecutorTasks.submitted(pool, second);
    ExecutorTasks.Group g = groupOf(pool);
    assertThat(g.tasks).isEqualTo(2);
    assertThat(g.oldestNanos).isBetween(20_000_000L, System.nanoTime() - t0);
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), first);
    assertThat(groupOf(pool).tasks).isEqualTo(1);
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), second);
    assertThat(groupOf(pool)).isNull();
    pool.shutdownNow();
  }

  @Test
  void staleEntriesGoOnceTheirTaskIsNoLongerQueued() {
    CountingPool pool = newPool();
    Runnable queued = () -> {};
    Runnable removedBehindOurBack = () -> {};
    pool.getQueue().add(queued); // what execute would have done with a busy worker
    ExecutorTasks.submitted(pool, queued);
    ExecutorTasks.submitted(pool, removedBehindOurBack);
    assertThat(groupOf(pool).tasks).isEqualTo(2);
    // not yet stale: both stay
    assertThat(groupOf(pool, System.nanoTime()).tasks).isEqualTo(2);
    // seen again more than STALE_NANOS later: the one not in the queue goes
    assertThat(groupOf(pool, System.nanoTime() + ExecutorTasks.STALE_NANOS + 1).tasks).isEqualTo(1);
    pool.getQueue().clear();
    ExecutorTasks.dropped(pool, queued);
    assertThat(groupOf(pool)).isNull();
    pool.shutdownNow();
  }

  @Test
  void aCancelledFutureIsDroppedAndDoesNotRecordWhenItsWorkerSkipsIt() throws Throwable {
    CountingPool pool = newPool();
    FutureTask<Void> future = new FutureTask<>(() -> {}, null);
    ExecutorTasks.submitted(pool, future);
    future.cancel(false);
    int before = POINTS.size();
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), future);
    assertThat(POINTS.size()).isEqualTo(before);
    ExecutorTasks.submitted(pool, future);
    assertThat(groupOf(pool)).as("a done future never starts").isNull();
    pool.shutdownNow();
  }

  @Test
  void aScheduledTaskRecordsFromItsDueTime() throws Throwable {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    ExecutorTasks.built(scheduler, Resources.siteId("ScheduledThreadPoolExecutor", "Test.scheduler:1"));
    scheduler.shutdown(); // no worker of its own: the test starts the task
    ScheduledThreadPoolExecutor other = new ScheduledThreadPoolExecutor(1);
    RunnableScheduledFuture<?> task =
        (RunnableScheduledFuture<?>) other.schedule(() -> {}, 10, TimeUnit.MILLISECONDS);
    other.remove(task);
    other.shutdownNow();
    Thread.sleep(60); // due 10 ms in: about 50 ms late
    int before = POINTS.size();
    ExecutorTasks.beforeExecute(scheduler, Thread.currentThread(), task);
    assertThat(POINTS.size()).isEqualTo(before + 1);
    Point p = POINTS.get(before);
    assertThat(p.name.type).isEqualTo("ScheduledThreadPoolExecutor");
    assertThat(p.queued).isBetween(40_000_000L, 2_000_000_000L);
    assertThat(p.since + p.queued).isLessThanOrEqualTo(System.nanoTime());
  }

  @Test
  void aCancelledScheduledTaskLeftInTheQueueRecordsNothing() throws Throwable {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    ExecutorTasks.built(scheduler, Resources.siteId("ScheduledThreadPoolExecutor", "Test.scheduler:2"));
    scheduler.shutdown();
    ScheduledThreadPoolExecutor other = new ScheduledThreadPoolExecutor(1);
    RunnableScheduledFuture<?> task =
        (RunnableScheduledFuture<?>) other.schedule(() -> {}, 1, TimeUnit.MILLISECONDS);
    other.remove(task);
    other.shutdownNow();
    task.cancel(false); // removeOnCancel is false by default: a worker still takes it when due
    Thread.sleep(5);
    int before = POINTS.size();
    ExecutorTasks.beforeExecute(scheduler, Thread.currentThread(), task);
    assertThat(POINTS.size()).isEqualTo(before);
  }

  @Test
  void forkJoinExternalSubmissionsAreTimedAndForkedTasksAreNot() throws Exception {
    ForkJoinPool pool = new ForkJoinPool(1);
    ExecutorTasks.built(pool, Resources.siteId("ForkJoinPool", "Test.forkJoin:1"));
    ForkJoinTask<?> external = ForkJoinTask.adapt(() -> {});
    ForkJoinTask<?> forked = ForkJoinTask.adapt(() -> {});
    int before = POINTS.size();
    ExecutorTasks.forkJoinStarting(forked); // nothing waits: skipped at the counter
    ExecutorTasks.submitted(pool, external);
    ExecutorTasks.forkJoinStarting(forked);
    ExecutorTasks.forkJoinStarting(external);
    ExecutorTasks.forkJoinStarting(external);
    assertThat(POINTS.size()).isEqualTo(before + 1);
    assertThat(POINTS.get(before).name.type).isEqualTo("ForkJoinPool");
    pool.shutdownNow();
  }

  /**
   * A pool's first submissions go to the shared table; the {@code RING_AFTER}th builds its ring.
   * Every task, before and after, is one point, and tasks queued across the switch all start.
   */
  @Test
  void aThreadPoolGetsItsRingAfterItsFirstTasksAndEveryTaskIsOnePoint() throws Throwable {
    CountingPool pool = newPool();
    List<Runnable> queued = new java.util.ArrayList<>();
    for (int i = 0; i < 2 * ExecutorRecord.RING_AFTER; i++) {
      Runnable task = () -> {};
      ExecutorTasks.submitted(pool, task);
      queued.add(task);
      assertThat(ExecutorTasks.recordOf(pool).ring() != null)
          .isEqualTo(i + 1 >= ExecutorRecord.RING_AFTER);
    }
    int before = POINTS.size();
    for (Runnable task : queued) {
      ExecutorTasks.beforeExecute(pool, Thread.currentThread(), task);
    }
    assertThat(POINTS.size()).isEqualTo(before + queued.size());
    assertThat(groupOf(pool)).isNull();
  }

  /** What execute/submit wrap goes to the pool's ring; a worker of that pool finds it there. */
  @Test
  void aWrappedForkJoinSubmissionStartedByAWorkerIsFoundInItsPoolsRing() throws Exception {
    ForkJoinPool pool = new ForkJoinPool(1);
    ExecutorTasks.built(pool, Resources.siteId("ForkJoinPool", "Test.forkJoinRing:1"));
    startTasksUntilTheRing(pool);
    ForkJoinTask<?> external = ForkJoinTask.adapt(() -> {});
    assertThat(ExecutorTasks.isSubmissionWrapper(external.getClass())).isTrue();
    int before = POINTS.size();
    ExecutorTasks.submitted(pool, external);
    ExecutorRecord r = ExecutorTasks.recordOf(pool);
    assertThat(r.ring()).isNotNull();
    pool.submit(() -> ExecutorTasks.forkJoinStarting(external)).get(); // on the pool's worker
    assertThat(POINTS.size()).isEqualTo(before + 1);
    assertThat(POINTS.get(before).name.name).isEqualTo("Test.forkJoinRing:1");
    pool.shutdownNow();
  }

  /**
   * A wrapper the application never holds ({@code execute}'s) carries its ring slot in its tag: a
   * worker takes its entry from that slot. One submitted from inside the pool was never stamped,
   * and its worker does not look for it: an entry for it in the ring stays there (the test puts
   * one by hand, which no submitter does).
   */
  @Test
  void aWrapperTheApplicationNeverHoldsCarriesItsSlotAndAnUnstampedOneIsNotLookedFor()
      throws Exception {
    ForkJoinPool pool = new ForkJoinPool(1);
    ExecutorTasks.built(pool, Resources.siteId("ForkJoinPool", "Test.forkJoinSlot:1"));
    startTasksUntilTheRing(pool);
    ForkJoinTask<?> external = runnableExecuteAction();
    assertThat(ExecutorTasks.carriesItsSlot(external.getClass())).isTrue();
    assertThat(ExecutorTasks.carriesItsSlot(ForkJoinTask.adapt(() -> {}).getClass())).isFalse();
    int before = POINTS.size();
    ExecutorTasks.submitted(pool, external);
    assertThat(external.getForkJoinTaskTag()).isPositive();
    pool.submit(() -> ExecutorTasks.forkJoinStarting(external)).get(); // on the pool's worker
    assertThat(POINTS.size()).isEqualTo(before + 1);
    assertThat(POINTS.get(before).name.name).isEqualTo("Test.forkJoinSlot:1");

    ForkJoinTask<?> internal = runnableExecuteAction();
    TaskRing ring = ExecutorTasks.recordOf(pool).ring();
    assertThat(ring.put(internal, System.nanoTime(), null)).isNotNegative();
    pool.submit(() -> ExecutorTasks.forkJoinStarting(internal)).get();
    assertThat(POINTS.size()).isEqualTo(before + 1);
    assertThat(ring.forget(internal)).isEqualTo(1);
    pool.shutdownNow();
  }

  /** {@code ForkJoinPool.execute(Runnable)}'s wrapper, built as that method builds it. */
  static ForkJoinTask<?> runnableExecuteAction() throws ReflectiveOperationException {
    var ctor =
        Class.forName("java.util.concurrent.ForkJoinTask$RunnableExecuteAction")
            .getDeclaredConstructor(Runnable.class);
    ctor.setAccessible(true);
    Runnable task = () -> {};
    return (ForkJoinTask<?>) ctor.newInstance(task);
  }

  /**
   * The gauges count a fork/join pool's wrapped submissions from its ring; one that ran where its
   * start did not look in that ring (or was cancelled) is done, and the collection drops it.
   */
  @Test
  void aForkJoinRingEntryIsCountedWhileItWaitsAndDroppedOnceItsTaskIsDone() {
    ForkJoinPool pool = new ForkJoinPool(1);
    ExecutorTasks.built(pool, Resources.siteId("ForkJoinPool", "Test.forkJoinGauge:1"));
    startTasksUntilTheRing(pool);
    ForkJoinTask<?> waiting = ForkJoinTask.adapt(() -> {});
    ForkJoinTask<?> ranElsewhere = ForkJoinTask.adapt(() -> {});
    ExecutorTasks.submitted(pool, waiting);
    ExecutorTasks.submitted(pool, ranElsewhere);
    assertThat(ExecutorTasks.recordOf(pool).ring()).isNotNull();
    assertThat(groupOf(pool).tasks).isEqualTo(2);
    ranElsewhere.cancel(false);
    assertThat(groupOf(pool).tasks).isEqualTo(1);
    waiting.cancel(false);
    assertThat(groupOf(pool)).isNull();
    int before = POINTS.size();
    ExecutorTasks.forkJoinStarting(waiting); // its entry is gone: nothing to record
    assertThat(POINTS.size()).isEqualTo(before);
    pool.shutdownNow();
  }

  /**
   * A thread remembers that a pool is not timed (a carrier thread starts every continuation of
   * the virtual threads' scheduler as a wrapped task) and asks the registry no more; meeting
   * another pool replaces what it remembers. (Registering the pool afterwards, which does not
   * happen outside this test, shows that the answer came from the cache.)
   */
  @Test
  void aThreadRemembersThatAPoolIsNotTimed() {
    ForkJoinPool untimed = new ForkJoinPool(1);
    assertThat(ExecutorTasks.cachedRecordOf(untimed)).isNull();
    ExecutorTasks.built(untimed, Resources.siteId("ForkJoinPool", "Test.untimed:1"));
    assertThat(ExecutorTasks.cachedRecordOf(untimed)).isNull();
    ForkJoinPool timed = new ForkJoinPool(1);
    ExecutorTasks.built(timed, Resources.siteId("ForkJoinPool", "Test.timed:1"));
    assertThat(ExecutorTasks.cachedRecordOf(timed).name.name).isEqualTo("Test.timed:1");
    assertThat(ExecutorTasks.cachedRecordOf(untimed).name.name).isEqualTo("Test.untimed:1");
    untimed.shutdownNow();
    timed.shutdownNow();
  }

  /** An application's task submitted from outside goes to the table, counted; forks skip it. */
  @Test
  void anApplicationsForkJoinTaskSubmittedFromOutsideIsTimedThroughTheTable() {
    ForkJoinPool pool = new ForkJoinPool(1);
    ExecutorTasks.built(pool, Resources.siteId("ForkJoinPool", "Test.forkJoinTable:1"));
    ForkJoinTask<?> external = new java.util.concurrent.RecursiveAction() {
      @Override
      protected void compute() {}
    };
    assertThat(ExecutorTasks.isSubmissionWrapper(external.getClass())).isFalse();
    int before = POINTS.size();
    ExecutorTasks.submitted(pool, external);
    ExecutorTasks.forkJoinStarting(external);
    ExecutorTasks.forkJoinStarting(external);
    assertThat(POINTS.size()).isEqualTo(before + 1);
    assertThat(POINTS.get(before).name.name).isEqualTo("Test.forkJoinTable:1");
    pool.shutdownNow();
  }

  @Test
  void aRecorderThatThrowsNeverReachesTheCaller() throws Throwable {
    CountingPool pool = newPool();
    Runnable task = () -> {};
    ExecutorTasks.submitted(pool, task);
    throwing = true;
    try {
      ExecutorTasks.beforeExecute(pool, Thread.currentThread(), task);
    } finally {
      throwing = false;
    }
    assertThat(pool.before.get()).isEqualTo(1);
    assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("internal error in blocked-time (executors, record)"));
    pool.shutdownNow();
  }

  @Test
  void aPoolBuiltIsRememberedWithoutARecordUntilItsFirstTask() throws Throwable {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    ExecutorTasks.built(pool, Resources.siteId("ThreadPoolExecutor", "Test.built:7"));
    assertThat(ExecutorTasks.hasRecord(pool)).as("a pool never used costs a registry entry only").isFalse();
    Runnable task = () -> {};
    int before = POINTS.size();
    ExecutorTasks.submitted(pool, task);
    assertThat(ExecutorTasks.hasRecord(pool)).isTrue();
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), task);
    assertThat(POINTS.size()).isEqualTo(before + 1);
    assertThat(POINTS.get(before).name.name).isEqualTo("Test.built:7");
    assertThat(POINTS.get(before).name.type).isEqualTo("ThreadPoolExecutor");
    pool.shutdownNow();
  }

  @Test
  void anExecutorNotRegisteredIsNotTimed() throws Throwable {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    Runnable task = () -> {};
    int before = POINTS.size();
    ExecutorTasks.submitted(pool, task);
    ExecutorTasks.beforeExecute(pool, Thread.currentThread(), task);
    assertThat(POINTS.size()).isEqualTo(before);
    pool.shutdownNow();
  }

  /** The per-thread cache answers for the pool it holds only: another pool, timed or not, misses. */
  @Test
  void theThreadsLastRecordIsReturnedOnlyForItsOwnPool() {
    ThreadPoolExecutor a = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    ThreadPoolExecutor b = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    ThreadPoolExecutor untimed = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    ExecutorTasks.built(a, Resources.siteId("ThreadPoolExecutor", "Test.cacheA:1"));
    ExecutorTasks.built(b, Resources.siteId("ThreadPoolExecutor", "Test.cacheB:1"));
    ExecutorRecord ra = ExecutorTasks.cachedRecordOf(a);
    assertThat(ra.name.name).isEqualTo("Test.cacheA:1");
    assertThat(ExecutorTasks.cachedRecordOf(a)).isSameAs(ra);
    assertThat(ExecutorTasks.cachedRecordOf(untimed)).isNull();
    assertThat(ExecutorTasks.cachedRecordOf(b).name.name).isEqualTo("Test.cacheB:1");
    assertThat(ExecutorTasks.cachedRecordOf(a)).isSameAs(ra);
    for (ThreadPoolExecutor pool : List.of(a, b, untimed)) {
      pool.shutdownNow();
    }
  }

  /**
   * Two thread pools whose identity hashes fall on one slot of the shared table, looked up in turn,
   * each get their own record every time (the second through the thread's cache), and a pool that
   * is not timed gets none.
   */
  @Test
  void poolsThatShareASlotOfTheTableEachGetTheirOwnRecord() {
    ThreadPoolExecutor a = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    ExecutorTasks.built(a, Resources.siteId("ThreadPoolExecutor", "Test.sharedA:1"));
    List<ThreadPoolExecutor> others = new java.util.ArrayList<>();
    ThreadPoolExecutor b;
    do { // a pool whose identity hash shares a's slot
      b = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
      others.add(b);
    } while (((System.identityHashCode(b) ^ System.identityHashCode(a)) & 63) != 0);
    ExecutorTasks.built(b, Resources.siteId("ThreadPoolExecutor", "Test.sharedB:1"));
    ThreadPoolExecutor untimed = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());

    ExecutorRecord ra = ExecutorTasks.threadPoolRecordOf(a);
    assertThat(ra.name.name).isEqualTo("Test.sharedA:1");
    assertThat(ExecutorTasks.threadPoolRecordOf(b).name.name).isEqualTo("Test.sharedB:1");
    assertThat(ExecutorTasks.threadPoolRecordOf(a)).isSameAs(ra);
    assertThat(ExecutorTasks.threadPoolRecordOf(untimed)).isNull();
    assertThat(ExecutorTasks.threadPoolRecordOf(untimed)).isNull();
    assertThat(ExecutorTasks.threadPoolRecordOf(b).name.name).isEqualTo("Test.sharedB:1");
    assertThat(ExecutorTasks.threadPoolRecordOf(a)).isSameAs(ra);
    a.shutdownNow();
    untimed.shutdownNow();
    others.forEach(ThreadPoolExecutor::shutdownNow);
  }

  @Test
  void aTimedPoolThatExecutorsBuiltRegistersItsWorkQueueAtItsFirstTask() throws Exception {
    java.util.concurrent.ExecutorService built = java.util.concurrent.Executors.newFixedThreadPool(1);
    try {
      ThreadPoolExecutor pool = (ThreadPoolExecutor) built;
      Sites.executor(built, Resources.siteId(Resources.EXECUTORS_SITE, "Test.executors:3"));
      // building it cost one registration: its queue has no worker to wait on it yet
      assertThat(Resources.lookup(pool.getQueue())).isNull();

      ExecutorTasks.submitted(pool, (Runnable) () -> {});

      Registration queue = Resources.lookup(pool.getQueue());
      assertThat(queue).isNotNull();
      assertThat(queue.name.kind).isEqualTo(ResourceName.Kind.QUEUE);
      assertThat(queue.name.type).isEqualTo("LinkedBlockingQueue");
      assertThat(queue.name.name).isEqualTo("Test.executors:3");
    } finally {
      built.shutdownNow();
    }
  }

  @Test
  void typesAreTheNearestCoveredClass() {
    assertThat(ExecutorTasks.typeOf(CountingPool.class)).isEqualTo("ThreadPoolExecutor");
    assertThat(ExecutorTasks.typeOf(ScheduledThreadPoolExecutor.class)).isEqualTo("ScheduledThreadPoolExecutor");
    assertThat(ExecutorTasks.typeOf(new ScheduledThreadPoolExecutor(1) {}.getClass())).isEqualTo("ScheduledThreadPoolExecutor");
    assertThat(ExecutorTasks.typeOf(ForkJoinPool.class)).isEqualTo("ForkJoinPool");
    assertThat(ExecutorTasks.typeOf(java.util.concurrent.ForkJoinWorkerThread.class)).isNull();
  }

  /**
   * Submits and starts (on this thread) the wrapped tasks a fork/join pool's first submissions
   * take through the table, each a point: the next submission builds the pool's ring.
   */
  static void startTasksUntilTheRing(ForkJoinPool pool) {
    for (int i = 1; i < ExecutorRecord.RING_AFTER; i++) {
      ForkJoinTask<?> early = ForkJoinTask.adapt(() -> {});
      int before = POINTS.size();
      ExecutorTasks.submitted(pool, early);
      assertThat(ExecutorTasks.recordOf(pool).ring()).isNull();
      ExecutorTasks.forkJoinStarting(early);
      assertThat(POINTS.size()).isEqualTo(before + 1);
    }
  }

  static ExecutorTasks.Group groupOf(Object pool) {
    return groupOf(pool, System.nanoTime());
  }

  static ExecutorTasks.Group groupOf(Object pool, long now) {
    for (ExecutorTasks.Group g : ExecutorTasks.snapshot(now)) {
      if (g.name == nameOf(pool)) {
        return g;
      }
    }
    return null;
  }

  static ResourceName nameOf(Object pool) {
    return ExecutorTasks.recordOf(pool).name;
  }
}
