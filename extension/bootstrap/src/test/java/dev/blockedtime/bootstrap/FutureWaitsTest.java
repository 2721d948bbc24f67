package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.testsupport.FutureDriver;
import dev.blockedtime.testsupport.QueueDriver;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Future waits through FutureWaits, the test playing the advice on the JDK's slow paths. */
class FutureWaitsTest {
  @RegisterExtension final LogCapture log = new LogCapture();

  private final List<FutureWaitEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> pinned = new CopyOnWriteArrayList<>();
  private final List<WaitEvent> lockEvents = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    BlockedTime.configure(Settings.defaults());
    BlockedTime.start(lockEvents::add);
    FutureWaits.start(
        new FutureRecorder() {
          @Override
          public void record(FutureWaitEvent event) {
            events.add(event);
          }

          @Override
          public void recordPinned(String reason, long durationNanos, Frames.StackInfo stack, boolean first) {
            pinned.add(reason + " " + durationNanos + " " + (stack != null ? stack.text : null) + " " + first);
          }
        });
  }

  @AfterEach
  void stop() {
    FutureWaits.start(null);
    BlockedTime.start(null);
    assertThat(FutureWaits.inProgress()).isZero();
  }

  @Test
  void aFutureTaskGetThatWaitedIsOneGetWaitWithTheCallersStack() throws Exception {
    String caller = FutureDriver.futureTaskGet(3);

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.type).isEqualTo("FutureTask");
      assertThat(e.operation).isEqualTo("get");
      assertThat(e.outcome).isEqualTo("ok");
      assertThat(e.durationNanos).isBetween(3_000_000L, 5_000_000_000L);
      assertThat(e.onWaitingThread).isTrue();
      assertThat(e.threadName).isEqualTo(Thread.currentThread().getName());
      // the stack starts at the caller of get, not in the core
      assertThat(e.stack.text.split("\n")[0]).isEqualTo(caller);
      assertThat(e.stack.hash).hasSize(16);
      assertThat(e.firstOfStack).isTrue();
    });
  }

  @Test
  void outcomesFollowWhatEachSlowPathReturns() {
    // FutureTask: a timed get that returns a state up to COMPLETING gave up; an interrupt throws
    FutureWaits.futureTaskEnd(FutureWaits.futureTaskBegin(true, 1_000L), true, 0, null);
    FutureWaits.futureTaskEnd(FutureWaits.futureTaskBegin(false, 0L), false, 0, new InterruptedException());
    // CompletableFuture: null result means interrupted, TimeoutException means gave up
    FutureWaits.completableEnd(FutureWaits.completableBegin(true), null, null);
    FutureWaits.completableEnd(FutureWaits.completableBegin(false), "done", null);
    FutureWaits.completableEnd(FutureWaits.completableTimedBegin(1_000L), null, new TimeoutException());
    // ForkJoinTask: negative status is done, 0 timed out, ABNORMAL interrupted
    FutureWaits.forkJoinEnd(FutureWaits.forkJoinBegin(false, false, 0L), Integer.MIN_VALUE, null);
    FutureWaits.forkJoinEnd(FutureWaits.forkJoinBegin(true, true, 1_000L), 0, null);
    FutureWaits.forkJoinEnd(FutureWaits.forkJoinBegin(true, false, 0L), 1 << 16, null);
    // a virtual thread's join: false when it has not terminated
    FutureWaits.virtualJoinEnd(FutureWaits.virtualJoinBegin(), false, null);
    FutureWaits.virtualJoinEnd(FutureWaits.virtualJoinBegin(), true, null);

    assertThat(events)
        .extracting(e -> e.type + " " + e.operation + " " + e.outcome)
        .containsExactly(
            "FutureTask get timeout",
            "FutureTask get interrupted",
            "CompletableFuture get interrupted",
            "CompletableFuture join ok",
            "CompletableFuture get timeout",
            "ForkJoinTask join ok",
            "ForkJoinTask get timeout",
            "ForkJoinTask get interrupted",
            "Thread join timeout",
            "Thread join ok");
  }

  @Test
  void aTimedCallWithNoTimeLeftDoesNotWait() {
    assertThat(FutureWaits.futureTaskBegin(true, 0L)).isNull();
    assertThat(FutureWaits.completableTimedBegin(0L)).isNull();
    assertThat(FutureWaits.forkJoinBegin(true, true, -5L)).isNull();
    assertThat(events).isEmpty();
  }

  @Test
  void aPoolsOwnWorkerJoiningAForkJoinTaskIsNotAWait() throws Exception {
    ForkJoinPool pool = new ForkJoinPool(1);
    try {
      FutureWaits.Wait w = pool.submit(() -> FutureWaits.forkJoinBegin(false, false, 0L)).get(30, TimeUnit.SECONDS);
      assertThat(w).isNull();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aWaitCountsOnceNestedFutureWaitsAndLockWaitsInsideItAddNothing() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Field f = ReentrantLock.class.getDeclaredField("sync");
    f.setAccessible(true);
    Object sync = f.get(lock);
    QueueDriver.registerLock(sync, "ReentrantLock");

    FutureWaits.Wait outer = FutureWaits.completableBegin(false);
    assertThat(FutureWaits.futureTaskBegin(false, 0L)).isNull(); // a helping worker's nested get
    assertThat(BlockedTime.waitBegin(sync, 0)).isNull(); // a latch or lock beneath the join
    assertThat(FutureWaits.inProgress()).isEqualTo(1);
    FutureWaits.completableEnd(outer, "x", null);

    assertThat(events).singleElement().satisfies(e -> assertThat(e.operation).isEqualTo("join"));
    assertThat(lockEvents).isEmpty();
    // and once the future wait is over, the lock records again
    ThreadState s = BlockedTime.waitBegin(sync, 0);
    assertThat(s).isNotNull();
    BlockedTime.waitEnd(s, 1);
    assertThat(lockEvents).hasSize(1);
  }

  @Test
  void theInProgressSnapshotGroupsWaitsByTypeAndOperation() throws Exception {
    int waiters = 3;
    CountDownLatch begun = new CountDownLatch(waiters);
    CountDownLatch release = new CountDownLatch(1);
    Thread[] threads = new Thread[waiters];
    for (int i = 0; i < waiters; i++) {
      boolean get = i < 2;
      threads[i] = new Thread(() -> {
        FutureWaits.Wait w = get ? FutureWaits.completableBegin(true) : FutureWaits.futureTaskBegin(false, 0L);
        begun.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (get) {
          FutureWaits.completableEnd(w, "x", null);
        } else {
          FutureWaits.futureTaskEnd(w, false, 2, null);
        }
      }, "future-waiter-" + i);
      threads[i].start();
    }
    begun.await();
    Thread.sleep(20);

    List<FutureWaits.Group> groups = FutureWaits.snapshot(System.nanoTime());
    assertThat(groups)
        .extracting(g -> g.type + " " + g.operation + " " + g.threads)
        .containsExactlyInAnyOrder("CompletableFuture get 2", "FutureTask get 1");
    assertThat(groups).allSatisfy(g -> assertThat(g.oldestNanos).isBetween(20_000_000L, 60_000_000_000L));

    release.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(FutureWaits.snapshot(System.nanoTime())).isEmpty();
    assertThat(events).hasSize(3);
  }

  @Test
  void theAgentsThreadsAndWaitsWhileRecordingAreNeverRecorded() throws Exception {
    Thread agent = new Thread(() -> {
      FutureWaits.Wait w = FutureWaits.completableBegin(true);
      assertThat(w).isNull();
    }, "BatchSpanProcessor_WorkerThread-1");
    agent.start();
    agent.join();
    assertThat(events).isEmpty();
  }

  @Test
  void aRecorderThatThrowsNeverReachesTheCallerAndIsLoggedOnce() {
    FutureWaits.start(
        new FutureRecorder() {
          @Override
          public void record(FutureWaitEvent event) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void recordPinned(String reason, long d, Frames.StackInfo s, boolean f) {
            throw new IllegalStateException("boom");
          }
        });
    for (int i = 0; i < 3; i++) {
      FutureWaits.completableEnd(FutureWaits.completableBegin(true), "x", null);
      FutureWaits.recordPinned("unknown", 1, List.of("a.B.c:1"));
    }
    assertThat(log.lines()).hasSize(1).allSatisfy(l -> assertThat(l).contains("(future)"));
    assertThat(FutureWaits.inProgress()).isZero();
  }

  @Test
  void observedWaitsCarryTheirOwnStackAndNoSpanEvent() {
    FutureWaits.recordObserved(
        "Thread", "join", "timeout", 50_000_000L, List.of("com.acme.App.main:12", "x.Y.z:3"), "main", 1L);
    FutureWaits.recordPinned("Native frame or <clinit> on stack", 30_000_000L, List.of("com.acme.Init.<clinit>:5"));
    FutureWaits.recordPinned("unknown", 10L, List.of("com.acme.Init.<clinit>:5")); // below the stack threshold

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.onWaitingThread).isFalse();
      assertThat(e.outcome).isEqualTo("timeout");
      assertThat(e.stack.text).isEqualTo("com.acme.App.main:12\nx.Y.z:3");
      assertThat(e.durationNanos).isEqualTo(50_000_000L);
    });
    assertThat(pinned)
        .containsExactly(
            "Native frame or <clinit> on stack 30000000 com.acme.Init.<clinit>:5 true",
            "unknown 10 null false");
  }
}
