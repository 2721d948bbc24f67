package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.testsupport.QueueDriver;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lock waits through BlockedTime, the test playing the advice (see BlockedTimeTest). */
class BlockedTimeLocksTest {
  @RegisterExtension final LogCapture log = new LogCapture();

  private final List<WaitEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    BlockedTime.configure(Settings.defaults());
    BlockedTime.start(events::add);
  }

  @AfterEach
  void stop() {
    BlockedTime.start(null);
  }

  private static Object sync(Object lock, Class<?> type) {
    try {
      Field f = type.getDeclaredField("sync");
      f.setAccessible(true);
      return f.get(lock);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static <T> T onNewThread(Callable<T> body) throws Exception {
    FutureTask<T> task = new FutureTask<>(body);
    new Thread(task, "lock-scenario").start();
    return task.get(30, TimeUnit.SECONDS);
  }

  @Test
  void contendedLockIsOneExclusiveLockWaitNamedAfterItsSite() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Object sync = sync(lock, ReentrantLock.class);
    String site = QueueDriver.registerLock(sync, "ReentrantLock");
    assertThat(site).startsWith("dev.blockedtime.testsupport.QueueDriver.registerLock:");

    String endLine =
        onNewThread(
            () -> {
              ThreadState s = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
              assertThat(s).isNotNull();
              Thread.sleep(3);
              return QueueDriver.waitEnd(s, 1);
            });

    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.name.kind).isEqualTo(ResourceName.Kind.LOCK);
      assertThat(e.name.type).isEqualTo("ReentrantLock");
      assertThat(e.name.name).isEqualTo(site);
      assertThat(e.operation).isEqualTo("lock");
      assertThat(e.state).isEqualTo("exclusive");
      assertThat(e.outcome).isEqualTo("ok");
      assertThat(e.durationNanos).isGreaterThanOrEqualTo(3_000_000L);
      assertThat(e.stack.text.split("\n")[0]).isEqualTo(endLine);
    });
    assertThat(InProgressWaits.open()).isZero();
  }

  private static String top(WaitEvent e) {
    return e.stack.text.split("\n")[0];
  }

  /** The synchronizer of a new {@code ReentrantLock}, registered as the advice would. */
  private static Object registeredLockSync() {
    Object sync = sync(new ReentrantLock(), ReentrantLock.class);
    QueueDriver.registerLock(sync, "ReentrantLock");
    return sync;
  }

  @Test
  void aLockWaitAfterALongOneWalksItsStackBeforeItParks() throws Exception {
    Object sync = registeredLockSync();

    String[] lines =
        onNewThread(
            () -> {
              String[] at = new String[3];
              ThreadState s = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
              QueueDriver.parkBegin(sync); // the thread's first wait on the lock: no walk here
              Thread.sleep(3);
              at[0] = QueueDriver.waitEnd(s, 1);
              s = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
              at[1] = QueueDriver.parkBegin(sync); // its last wait on the lock was long
              Thread.sleep(3);
              at[2] = QueueDriver.waitEnd(s, 1);
              return at;
            });

    assertThat(events).hasSize(2);
    assertThat(top(events.get(0))).isEqualTo(lines[0]);
    // walked when it parked (the test's park line is the stack's top), not at its end
    assertThat(top(events.get(1))).isEqualTo(lines[1]).isNotEqualTo(lines[2]);
    assertThat(events.get(1).durationNanos).isGreaterThanOrEqualTo(3_000_000L);
  }

  @Test
  void aWaitWalkedBeforeItParkedThatEndsShortHasNoStackAndTheNextWalksAtItsEnd() throws Exception {
    BlockedTime.configure(Settings.from(k -> k.endsWith("stack-threshold") ? "50ms" : null));
    Object sync = registeredLockSync();

    String[] lines =
        onNewThread(
            () -> {
              String[] at = new String[2];
              ThreadState s = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
              Thread.sleep(60);
              QueueDriver.waitEnd(s, 1);
              s = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
              at[0] = QueueDriver.parkBegin(sync); // walks: the last wait was long
              QueueDriver.waitEnd(s, 1); // but this one is short
              s = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
              QueueDriver.parkBegin(sync); // the last wait was short: no walk
              Thread.sleep(60);
              at[1] = QueueDriver.waitEnd(s, 1);
              return at;
            });

    assertThat(events).hasSize(3);
    assertThat(events.get(1).durationNanos).isLessThan(50_000_000L);
    assertThat(events.get(1).stack).isNull();
    assertThat(top(events.get(2))).isEqualTo(lines[1]);
  }

  @Test
  void aConditionWaitAfterALongOneWalksItsStackWhenItAnnouncesItsPark() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Condition condition = lock.newCondition();
    QueueDriver.registerLock(condition, "Condition");

    String[] lines =
        onNewThread(
            () -> {
              String[] at = new String[3];
              for (int i = 0; i < 2; i++) {
                ThreadState s = BlockedTime.awaitBegin(condition, "await");
                at[i] = QueueDriver.currentBlocker(condition); // the lock is released here
                Thread.sleep(3);
                at[2] = QueueDriver.waitEnd(s, 1);
              }
              return at;
            });

    assertThat(events).hasSize(2);
    assertThat(top(events.get(0))).isEqualTo(lines[2]);
    assertThat(top(events.get(1))).isEqualTo(lines[1]);
  }

  @Test
  void aParkNestedInsideTheOpenWaitDoesNotWalk() throws Exception {
    Object sync = registeredLockSync();

    String[] lines =
        onNewThread(
            () -> {
              String[] at = new String[2];
              for (int i = 0; i < 2; i++) {
                ThreadState s = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
                ThreadState nested = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
                QueueDriver.parkBegin(sync); // depth 2: code the wait called, not the wait's park
                Thread.sleep(3);
                BlockedTime.waitEnd(nested, 1);
                at[i] = QueueDriver.waitEnd(s, 1);
              }
              return at;
            });

    assertThat(events).hasSize(2);
    assertThat(top(events.get(1))).isEqualTo(lines[1]);
  }

  @Test
  void timedTryLockThatGaveUpIsTimeout() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Object sync = sync(lock, ReentrantLock.class);
    QueueDriver.registerLock(sync, "ReentrantLock");
    onNewThread(
        () -> QueueDriver.waitEnd(BlockedTime.waitBegin(sync, LockOps.flags(false, true, true)), 0));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("try_lock");
      assertThat(e.state).isEqualTo("exclusive");
      assertThat(e.outcome).isEqualTo("timeout");
    });
  }

  @Test
  void interruptedSemaphoreAcquireIsSharedAndInterrupted() throws Exception {
    Semaphore semaphore = new Semaphore(0);
    Object sync = sync(semaphore, Semaphore.class);
    QueueDriver.registerLock(sync, "Semaphore");
    onNewThread(
        () -> QueueDriver.waitEnd(BlockedTime.waitBegin(sync, LockOps.flags(true, true, false)), -1));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.name.type).isEqualTo("Semaphore");
      assertThat(e.operation).isEqualTo("acquire");
      assertThat(e.state).isEqualTo("shared");
      assertThat(e.outcome).isEqualTo("interrupted");
    });
  }

  @Test
  void conditionAwaitIncludingTheLockReacquireIsOneWait() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Object sync = sync(lock, ReentrantLock.class);
    Condition condition = lock.newCondition();
    QueueDriver.registerLock(sync, "ReentrantLock");
    String site = QueueDriver.registerLock(condition, "Condition");
    onNewThread(
        () -> {
          ThreadState await = BlockedTime.awaitBegin(condition, "awaitNanos");
          assertThat(await).isNotNull();
          ThreadState reacquire = BlockedTime.waitBegin(sync, 0); // after the signal
          assertThat(reacquire).isSameAs(await);
          QueueDriver.waitEnd(reacquire, 1);
          return QueueDriver.waitEnd(await, 1);
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.name.type).isEqualTo("Condition");
      assertThat(e.name.name).isEqualTo(site);
      assertThat(e.operation).isEqualTo("await_nanos");
      assertThat(e.state).isEqualTo("exclusive");
      assertThat(e.outcome).isEqualTo("ok");
    });
  }

  @Test
  void unregisteredLockRecordsNothing() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Object sync = sync(lock, ReentrantLock.class);
    onNewThread(() -> BlockedTime.waitBegin(sync, 0));
    assertThat(events).isEmpty();
  }

  @Test
  void aRehearsalRecordsIntoItsOwnRecorderOnlyAndLeavesTheThreadAsItWas() throws Exception {
    Semaphore semaphore = new Semaphore(0);
    Object sync = sync(semaphore, Semaphore.class);
    QueueDriver.registerLock(sync, "Semaphore");
    List<WaitEvent> rehearsed = new CopyOnWriteArrayList<>();
    int[] inProgress = new int[1];
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              BlockedTime.rehearse(
                  rehearsed::add,
                  3,
                  () -> {
                    ThreadState s = BlockedTime.waitBegin(sync, LockOps.flags(true, true, true));
                    assertThat(s).isNotNull();
                    inProgress[0] += InProgressWaits.open();
                    QueueDriver.waitEnd(s, 0);
                  });
              // the warm-up thread is one of the extension's own: after the rehearsal, ignored again
              assertThat(BlockedTime.waitBegin(sync, LockOps.flags(true, true, true))).isNull();
              return null;
            });
    new Thread(task, "blocked-time-warm-up").start();
    task.get(30, TimeUnit.SECONDS);

    assertThat(rehearsed).hasSize(3).allSatisfy(e -> {
      assertThat(e.name.type).isEqualTo("Semaphore");
      assertThat(e.outcome).isEqualTo("timeout");
    });
    assertThat(events).as("the real recorder").isEmpty();
    assertThat(inProgress[0]).as("waits in progress seen by the gauges").isZero();
  }
}
