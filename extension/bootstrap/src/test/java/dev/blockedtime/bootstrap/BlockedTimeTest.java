package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.testsupport.QueueDriver;
import io.opentelemetry.javaagent.blockedtimetest.AgentProbe;
import java.lang.reflect.Field;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drives the state machine directly, without an agent: the test plays the advice, calling the
 * entry points in the order the instrumented JDK methods would. Needs java.util.concurrent(.locks)
 * opened to the class path (surefire argLine), as the extension does at start-up.
 */
class BlockedTimeTest {
  private static final long MS = 1_000_000L;
  private static final AtomicInteger THREADS = new AtomicInteger();

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
    BlockedTime.configure(Settings.defaults());
  }

  // ------------------------------------------------------------------ helpers

  private static Object field(Object target, Class<?> declaring, String name) {
    try {
      Field f = declaring.getDeclaredField(name);
      f.setAccessible(true);
      return f.get(target);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static Object notFull(ArrayBlockingQueue<?> q) {
    return field(q, ArrayBlockingQueue.class, "notFull");
  }

  private static Object notEmpty(ArrayBlockingQueue<?> q) {
    return field(q, ArrayBlockingQueue.class, "notEmpty");
  }

  /** The synchronizer behind a queue's ReentrantLock: what AQS.acquire's advice sees as this. */
  private static Object lockSync(Object queue, Class<?> type, String lockField) {
    ReentrantLock lock = (ReentrantLock) field(queue, type, lockField);
    return field(lock, ReentrantLock.class, "sync");
  }

  /** Runs a scenario on a fresh thread, so that each starts with a fresh ThreadState. */
  private static <T> T onNewThread(String name, Callable<T> body) throws Exception {
    FutureTask<T> task = new FutureTask<>(body);
    Thread t = new Thread(task, name + "-" + THREADS.incrementAndGet());
    t.start();
    return task.get(30, TimeUnit.SECONDS);
  }

  private static <T> T onNewThread(Callable<T> body) throws Exception {
    return onNewThread("scenario", body);
  }

  private static int sweepsAskedFor;

  /**
   * A time at which a snapshot sweeps the dead threads: liveness is checked at most once per
   * sweep interval, so each call goes an interval past the one before.
   */
  private static long nextSweepDue() {
    sweepsAskedFor++;
    return System.nanoTime() + 2L * sweepsAskedFor * InProgressWaits.SWEEP_INTERVAL_NANOS;
  }

  private List<WaitEvent> eventsOf(Thread t) {
    return events.stream().filter(e -> e.thread == t).collect(Collectors.toList());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** What one scenario saw: its thread, the line that ended the wait, and time bounds. */
  private static final class Run {
    Thread thread;
    String endLine;
    long before;
    long after;
    Object extra;
  }

  // ------------------------------------------------------------------ registration

  @Test
  void registeringAQueueNamesItAfterItsAllocationSite() {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    String site = QueueDriver.register(q, "ArrayBlockingQueue");

    assertThat(site).startsWith("dev.blockedtime.testsupport.QueueDriver.register:");
    Registration self = Resources.lookup(q);
    assertThat(self).isNotNull();
    assertThat(self.role).isEqualTo(Registration.OWNER);
    assertThat(self.name.kind).isEqualTo(ResourceName.Kind.QUEUE);
    assertThat(self.name.type).isEqualTo("ArrayBlockingQueue");
    assertThat(self.name.name).isEqualTo(site);

    Registration lock = Resources.lookup(lockSync(q, ArrayBlockingQueue.class, "lock"));
    // conditions are told apart inside the queue's operations, where the queue is known
    assertThat(Resources.lookup(notFull(q))).isNull();
    Registration full = Resources.partOf(q, notFull(q));
    Registration empty = Resources.partOf(q, notEmpty(q));
    assertThat(lock.role).isEqualTo(Registration.LOCK);
    assertThat(full.role).isEqualTo(Registration.NOT_FULL);
    assertThat(empty.role).isEqualTo(Registration.NOT_EMPTY);
    assertThat(lock.token).isEqualTo(self.token);
    assertThat(full.token).isEqualTo(self.token);
    assertThat(empty.token).isEqualTo(self.token);
    assertThat(lock.name).isSameAs(self.name);
    // The ReentrantLock object itself is not what waits park on: its synchronizer is.
    assertThat(Resources.lookup(field(q, ArrayBlockingQueue.class, "lock"))).isNull();
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void registeringTwiceKeepsTheFirstRegistration() {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    String site = QueueDriver.register(q, "ArrayBlockingQueue");
    Registration first = Resources.lookup(q);
    QueueDriver.registerElsewhere(q, "ArrayBlockingQueue"); // a delegating constructor's exit
    assertThat(Resources.lookup(q).token).isEqualTo(first.token);
    assertThat(Resources.lookup(q).name.name).isEqualTo(site);
  }

  @Test
  void aliasFromTheNamesSettingReplacesTheSite() {
    BlockedTime.configure(
        Settings.from(
            Map.of(Settings.PREFIX + "names", "dev.blockedtime.testsupport.QueueDriver.register:*=orders")::get));
    ArrayBlockingQueue<Object> aliased = new ArrayBlockingQueue<>(1);
    ArrayBlockingQueue<Object> other = new ArrayBlockingQueue<>(1);
    QueueDriver.register(aliased, "ArrayBlockingQueue");
    String otherSite = QueueDriver.registerElsewhere(other, "ArrayBlockingQueue");
    assertThat(Resources.lookup(aliased).name.name).isEqualTo("orders");
    assertThat(Resources.lookup(other).name.name).isEqualTo(otherSite);
  }

  @Test
  void queueTheAgentCreatesIsNotRegistered() {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    AgentProbe.registerAgentQueue(q, "ArrayBlockingQueue");
    assertThat(Resources.lookup(q)).isNull();
    assertThat(Resources.lookup(notFull(q))).isNull();
  }

  @Test
  void queueOfAnUnsupportedTypeIsNotRegistered() {
    ConcurrentLinkedQueue<Object> q = new ConcurrentLinkedQueue<>();
    QueueDriver.register(q, "ConcurrentLinkedQueue");
    assertThat(Resources.lookup(q)).isNull();
    assertThat(log.lines()).isEmpty();
  }

  // ------------------------------------------------------------------ one operation, one point

  @Test
  void putThatWaitsForSpaceIsOneFullOkWait() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    String site = QueueDriver.register(q, "ArrayBlockingQueue");

    Run run =
        onNewThread(
            () -> {
              Run r = new Run();
              r.thread = Thread.currentThread();
              r.before = System.nanoTime();
              ThreadState op = BlockedTime.opEnter(q, "put");
              ThreadState w = BlockedTime.waitBegin(notFull(q));
              assertThat(w).isSameAs(op);
              sleep(20);
              QueueDriver.waitEnd(w, 1);
              r.endLine = QueueDriver.opExit(op, null, false);
              r.after = System.nanoTime();
              return r;
            });

    assertThat(events).hasSize(1);
    WaitEvent e = events.get(0);
    assertThat(e.thread).isSameAs(run.thread);
    assertThat(e.name.kind).isEqualTo(ResourceName.Kind.QUEUE);
    assertThat(e.name.type).isEqualTo("ArrayBlockingQueue");
    assertThat(e.name.name).isEqualTo(site);
    assertThat(e.operation).isEqualTo("put");
    assertThat(e.state).isEqualTo("full");
    assertThat(e.outcome).isEqualTo("ok");
    assertThat(e.durationNanos).isGreaterThanOrEqualTo(20 * MS).isLessThan(run.after - run.before);
    assertThat(e.startNanos).isBetween(run.before, run.after);
    // At least the stack threshold (1ms): the stack starts at the caller of the operation.
    assertThat(e.stack).isNotNull();
    String[] lines = e.stack.text.split("\n");
    assertThat(lines[0]).isEqualTo(run.endLine);
    assertThat(lines).hasSizeLessThanOrEqualTo(8);
    assertThat(e.stack.hash).isEqualTo(Frames.StackInfo.hash(e.stack.text)).matches("[0-9a-f]{16}");
    assertThat(e.firstOfStack).isTrue();
    assertThat(InProgressWaits.open()).isZero();
  }

  @Test
  void sameCodePathTwiceGivesTheSameHashAndOnlyTheFirstIsFirst() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          for (int i = 0; i < 2; i++) {
            ThreadState op = BlockedTime.opEnter(q, "put");
            ThreadState w = BlockedTime.waitBegin(notFull(q));
            sleep(3);
            QueueDriver.waitEnd(w, 1);
            QueueDriver.opExit(op, null, false);
          }
          return null;
        });
    assertThat(events).hasSize(2);
    assertThat(events.get(0).stack.hash).isEqualTo(events.get(1).stack.hash);
    assertThat(events.get(0).firstOfStack).isTrue();
    assertThat(events.get(1).firstOfStack).isFalse();
  }

  @Test
  void operationThatNeverWaitsRecordsNothing() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "put");
          assertThat(op).isNotNull();
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).isEmpty();
  }

  @Test
  void takeThatWaitsForAnElementIsEmpty() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "take");
          ThreadState w = BlockedTime.waitBegin(notEmpty(q));
          QueueDriver.waitEnd(w, 1);
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("take");
      assertThat(e.state).isEqualTo("empty");
      assertThat(e.outcome).isEqualTo("ok");
    });
  }

  @Test
  void methodNamesAreSnakeCase() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "offerLast");
          ThreadState w = BlockedTime.waitBegin(notFull(q));
          QueueDriver.waitEnd(w, 1);
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).singleElement().extracting(e -> e.operation).isEqualTo("offer_last");
  }

  @Test
  void timedOfferThatGaveUpIsTimeout() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "offer");
          ThreadState w = BlockedTime.waitBegin(notFull(q));
          sleep(2);
          QueueDriver.waitEnd(w, 0); // awaitNanos ran out
          QueueDriver.opExit(op, null, true); // offer returned false
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("offer");
      assertThat(e.state).isEqualTo("full");
      assertThat(e.outcome).isEqualTo("timeout");
      assertThat(e.durationNanos).isGreaterThanOrEqualTo(2 * MS);
    });
  }

  @Test
  void timedPollThatGaveUpIsTimeoutEmpty() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "poll");
          ThreadState w = BlockedTime.waitBegin(notEmpty(q));
          QueueDriver.waitEnd(w, 0);
          QueueDriver.opExit(op, null, true); // poll returned null
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("poll");
      assertThat(e.state).isEqualTo("empty");
      assertThat(e.outcome).isEqualTo("timeout");
    });
  }

  @Test
  void interruptedWaitIsInterrupted() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "take");
          ThreadState w = BlockedTime.waitBegin(notEmpty(q));
          QueueDriver.waitEnd(w, -1);
          QueueDriver.opExit(op, new InterruptedException(), false);
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("take");
      assertThat(e.state).isEqualTo("empty");
      assertThat(e.outcome).isEqualTo("interrupted");
    });
  }

  @Test
  void putThatWaitedForTheLockThenForSpaceIsOneFullWaitCoveringBoth() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Object sync = lockSync(q, ArrayBlockingQueue.class, "lock");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "put");
          ThreadState l = BlockedTime.waitBegin(sync); // lockInterruptibly under contention
          assertThat(l).isSameAs(op);
          sleep(10);
          QueueDriver.waitEnd(l, 1);
          ThreadState w = BlockedTime.waitBegin(notFull(q)); // then the queue is full
          assertThat(w).isSameAs(op);
          sleep(10);
          QueueDriver.waitEnd(w, 1);
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("put");
      assertThat(e.state).isEqualTo("full");
      assertThat(e.outcome).isEqualTo("ok");
      assertThat(e.durationNanos).isGreaterThanOrEqualTo(20 * MS);
    });
  }

  @Test
  void putThatOnlyWaitedForTheLockIsContended() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Object sync = lockSync(q, ArrayBlockingQueue.class, "lock");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "put");
          ThreadState l = BlockedTime.waitBegin(sync);
          QueueDriver.waitEnd(l, 1);
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("put");
      assertThat(e.state).isEqualTo("contended");
    });
  }

  @Test
  void conditionWaitReacquiringTheLockIsPartOfTheSameWait() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Object sync = lockSync(q, ArrayBlockingQueue.class, "lock");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "put");
          ThreadState w = BlockedTime.waitBegin(notFull(q));
          ThreadState reacquire = BlockedTime.waitBegin(sync); // inside await: acquire after signal
          assertThat(reacquire).isSameAs(w);
          QueueDriver.waitEnd(reacquire, 1);
          QueueDriver.waitEnd(w, 1);
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("put");
      assertThat(e.state).isEqualTo("full");
    });
  }

  @Test
  void repeatedAwaitsInOneOperationAreOneWait() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "put");
          for (int i = 0; i < 3; i++) { // while (count == items.length) notFull.await();
            ThreadState w = BlockedTime.waitBegin(notFull(q));
            sleep(5);
            QueueDriver.waitEnd(w, 1);
          }
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.state).isEqualTo("full");
      assertThat(e.durationNanos).isGreaterThanOrEqualTo(15 * MS);
    });
  }

  // ------------------------------------------------------------------ standalone waits

  @Test
  void contendedLockOutsideAnyOperationIsUnknownContended() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    String site = QueueDriver.register(q, "ArrayBlockingQueue");
    Object sync = lockSync(q, ArrayBlockingQueue.class, "lock");
    Run run =
        onNewThread(
            () -> {
              Run r = new Run();
              r.thread = Thread.currentThread();
              ThreadState w = BlockedTime.waitBegin(sync); // untimed offer(e) under contention
              assertThat(w).isNotNull();
              sleep(5);
              r.endLine = QueueDriver.waitEnd(w, 1);
              return r;
            });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.thread).isSameAs(run.thread);
      assertThat(e.name.name).isEqualTo(site);
      assertThat(e.operation).isEqualTo("unknown");
      assertThat(e.state).isEqualTo("contended");
      assertThat(e.outcome).isEqualTo("ok");
      assertThat(e.durationNanos).isGreaterThanOrEqualTo(5 * MS);
      assertThat(e.stack.text.split("\n")[0]).isEqualTo(run.endLine);
    });
    assertThat(InProgressWaits.open()).isZero();
  }

  @Test
  void standaloneWaitOutcomesFollowTheResult() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Object sync = lockSync(q, ArrayBlockingQueue.class, "lock");
    onNewThread(
        () -> {
          QueueDriver.waitEnd(BlockedTime.waitBegin(sync), 0);
          QueueDriver.waitEnd(BlockedTime.waitBegin(sync), -1);
          QueueDriver.waitEnd(BlockedTime.waitBegin(sync), 1);
          return null;
        });
    assertThat(events).extracting(e -> e.outcome).containsExactly("timeout", "interrupted", "ok");
  }

  @Test
  void linkedBlockingQueueTakeAndPutLockContention() throws Exception {
    LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>(1);
    QueueDriver.register(q, "LinkedBlockingQueue");
    Object notEmpty = field(q, LinkedBlockingQueue.class, "notEmpty");
    Object putSync = lockSync(q, LinkedBlockingQueue.class, "putLock");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "take");
          QueueDriver.waitEnd(BlockedTime.waitBegin(notEmpty), 1);
          QueueDriver.opExit(op, null, false);
          QueueDriver.waitEnd(BlockedTime.waitBegin(putSync), 1); // offer(e) under contention
          return null;
        });
    assertThat(events).hasSize(2);
    assertThat(events.get(0).name.type).isEqualTo("LinkedBlockingQueue");
    assertThat(events.get(0).operation).isEqualTo("take");
    assertThat(events.get(0).state).isEqualTo("empty");
    assertThat(events.get(1).operation).isEqualTo("unknown");
    assertThat(events.get(1).state).isEqualTo("contended");
  }

  // ------------------------------------------------------------------ marked calls, closing exits
  // What the instrumentation does: WaitCalls marks only the call that parks, and the blocking
  // method's exit advice calls opReturned only while opWaitPending().

  @Test
  void aPendingExitIsSeenByItsOwnThreadNotByThreadsOfOtherStripes() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState marked = BlockedTime.opEnter(q, "put");
          QueueDriver.waitEnd(BlockedTime.awaitBegin(notFull(q), "await"), 1);
          BlockedTime.opLeave(marked);
          assertThat(BlockedTime.opWaitPending()).isTrue();
          int mine = ExitCounters.stripeOf(Thread.currentThread());
          FutureTask<Boolean> look;
          Thread other;
          do {
            look = new FutureTask<>(BlockedTime::opWaitPending);
            other = new Thread(look);
          } while (ExitCounters.stripeOf(other) == mine);
          other.start();
          // another stripe's queue exits do not call into the wait path for this thread's wait
          assertThat(look.get(10, TimeUnit.SECONDS)).isFalse();
          BlockedTime.opReturned(q, "put", null, false, 0, null);
          assertThat(BlockedTime.opWaitPending()).isFalse();
          return null;
        });
    assertThat(events).hasSize(1);
    assertThat(events.get(0).operation).isEqualTo("put");
  }

  @Test
  void aMarkedParkStaysOpenUntilTheMethodExitsAndIsNamedByIt() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          assertThat(BlockedTime.opWaitPending()).isFalse();
          for (int round = 0; round < 2; round++) { // the wait loop goes round twice
            ThreadState marked = BlockedTime.opEnter(q, "put");
            QueueDriver.waitEnd(BlockedTime.awaitBegin(notFull(q), "await"), 1);
            BlockedTime.opLeave(marked);
            assertThat(events).isEmpty();
            assertThat(BlockedTime.opWaitPending()).isTrue();
          }
          BlockedTime.opReturned(new ArrayBlockingQueue<>(1), "put", null, false, 0, null);
          assertThat(events).as("another queue's exit").isEmpty();
          ArrayBlockingQueue<Object> registered = new ArrayBlockingQueue<>(1);
          QueueDriver.register(registered, "ArrayBlockingQueue");
          BlockedTime.opReturned(registered, "put", null, false, 0, null);
          assertThat(events).as("another registered queue's exit").isEmpty();
          BlockedTime.opReturned(q, "put", null, false, 0, null); // its own: no lookup needed
          assertThat(BlockedTime.opWaitPending()).isFalse();
          return null;
        });
    assertThat(events).hasSize(1);
    assertThat(events.get(0).operation).isEqualTo("put");
    assertThat(events.get(0).state).isEqualTo("full");
    assertThat(events.get(0).outcome).isEqualTo("ok");
    assertThat(InProgressWaits.open()).isZero();
  }

  @Test
  void aBlockingMethodsWaitForTheLockThenForSpaceIsOneFullWait() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Object sync = lockSync(q, ArrayBlockingQueue.class, "lock");
    long[] bounds = new long[2];
    onNewThread(
        () -> {
          bounds[0] = System.nanoTime();
          ThreadState lockWait = BlockedTime.waitBegin(sync, LockOps.INTERRUPTIBLE);
          sleep(5);
          QueueDriver.waitEnd(lockWait, 1);
          assertThat(events).as("the exit has not come").isEmpty();
          ThreadState marked = BlockedTime.opEnter(q, "offer");
          ThreadState await = BlockedTime.awaitBegin(notFull(q), "awaitNanos");
          sleep(5);
          QueueDriver.waitEnd(await, 0);
          BlockedTime.opLeave(marked);
          BlockedTime.opReturned(q, "offer", null, true, 10, TimeUnit.MILLISECONDS);
          bounds[1] = System.nanoTime();
          return null;
        });
    assertThat(events).hasSize(1);
    WaitEvent e = events.get(0);
    assertThat(e.operation).isEqualTo("offer");
    assertThat(e.state).isEqualTo("full");
    assertThat(e.outcome).isEqualTo("timeout");
    assertThat(e.durationNanos).isGreaterThanOrEqualTo(10 * MS).isLessThan(bounds[1] - bounds[0]);
  }

  @Test
  void aBlockingMethodThatWaitedOnlyForTheLockIsContendedUnderItsName() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Object sync = lockSync(q, ArrayBlockingQueue.class, "lock");
    onNewThread(
        () -> {
          QueueDriver.waitEnd(BlockedTime.waitBegin(sync, LockOps.INTERRUPTIBLE), 1);
          BlockedTime.opReturned(q, "take", null, false, 0, null);
          // lock(): a non-blocking method (offer, poll, size ...) has no exit that would close it
          QueueDriver.waitEnd(BlockedTime.waitBegin(sync, 0), 1);
          // interrupted: the method throws from there, and its exit advice sees no exceptions
          QueueDriver.waitEnd(BlockedTime.waitBegin(sync, LockOps.INTERRUPTIBLE), -1);
          assertThat(BlockedTime.opWaitPending()).isFalse();
          return null;
        });
    assertThat(events).extracting(e -> e.operation + "/" + e.state + "/" + e.outcome)
        .containsExactly("take/contended/ok", "unknown/contended/ok", "unknown/contended/interrupted");
  }

  @Test
  void aWaitWhoseExitNeverCameIsRecordedWhenTheThreadWaitsOnSomethingElse() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    ArrayBlockingQueue<Object> other = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    QueueDriver.register(other, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState marked = BlockedTime.opEnter(q, "take");
          QueueDriver.waitEnd(BlockedTime.awaitBegin(notEmpty(q), "await"), 1);
          BlockedTime.opLeave(marked);
          // application code before the exit (a compareTo) waits on another queue
          ThreadState next = BlockedTime.opEnter(other, "put");
          QueueDriver.waitEnd(BlockedTime.awaitBegin(notFull(other), "await"), 1);
          BlockedTime.opLeave(next);
          BlockedTime.opReturned(other, "put", null, false, 0, null);
          BlockedTime.opReturned(q, "take", null, false, 0, null);
          assertThat(BlockedTime.opWaitPending()).isFalse();
          return null;
        });
    assertThat(events).extracting(e -> e.operation).containsExactly("take", "put");
  }

  // ------------------------------------------------------------------ rendezvous queues

  @Test
  void synchronousQueuePutParkIsFullAndTakeParkIsEmpty() throws Exception {
    SynchronousQueue<Object> q = new SynchronousQueue<>();
    QueueDriver.register(q, "SynchronousQueue");
    Object transferer = field(q, SynchronousQueue.class, "transferer");
    onNewThread(
        () -> {
          ThreadState put = BlockedTime.opEnter(q, "put");
          BlockedTime.currentBlocker(transferer);
          sleep(2);
          QueueDriver.currentBlockerCleared();
          QueueDriver.opExit(put, null, false);

          ThreadState take = BlockedTime.opEnter(q, "take");
          BlockedTime.currentBlocker(transferer);
          QueueDriver.currentBlockerCleared();
          QueueDriver.opExit(take, null, false);
          return null;
        });
    assertThat(events).hasSize(2);
    assertThat(events.get(0).name.type).isEqualTo("SynchronousQueue");
    assertThat(events.get(0).operation).isEqualTo("put");
    assertThat(events.get(0).state).isEqualTo("full");
    assertThat(events.get(0).durationNanos).isGreaterThanOrEqualTo(2 * MS);
    assertThat(events.get(1).operation).isEqualTo("take");
    assertThat(events.get(1).state).isEqualTo("empty");
  }

  @Test
  void aRendezvousQueuesExitClosesItsWaitsFromTheThreadsCacheAndNoOtherQueuesExitDoes()
      throws Exception {
    // JDK 17's path: the marked call is on the transferer, the exit advice on the queue.
    SynchronousQueue<Object> q = new SynchronousQueue<>();
    QueueDriver.register(q, "SynchronousQueue");
    Object transferer = field(q, SynchronousQueue.class, "transferer");
    SynchronousQueue<Object> other = new SynchronousQueue<>();
    QueueDriver.register(other, "SynchronousQueue");
    Object otherTransferer = field(other, SynchronousQueue.class, "transferer");
    onNewThread(
        () -> {
          for (int round = 0; round < 3; round++) { // the first exit looks the queue up, the others not
            ThreadState take = BlockedTime.opEnter(transferer, "take");
            BlockedTime.currentBlocker(transferer);
            QueueDriver.currentBlockerCleared();
            BlockedTime.opLeave(take);
            BlockedTime.opReturned(other, "take", null, false, 0, null);
            assertThat(events).as("another rendezvous queue's exit, round %d", round).hasSize(round);
            BlockedTime.opReturned(q, "take", null, false, 0, null);
            assertThat(events).as("its own exit, round %d", round).hasSize(round + 1);
          }
          // now the cache holds q: a wait on the other queue is closed by that queue's exit only
          ThreadState put = BlockedTime.opEnter(otherTransferer, "put");
          BlockedTime.currentBlocker(otherTransferer);
          QueueDriver.currentBlockerCleared();
          BlockedTime.opLeave(put);
          BlockedTime.opReturned(q, "put", null, false, 0, null);
          assertThat(events).as("the cached queue's exit").hasSize(3);
          BlockedTime.opReturned(other, "put", null, false, 0, null);
          assertThat(BlockedTime.opWaitPending()).isFalse();
          return null;
        });
    assertThat(events).extracting(e -> e.operation).containsExactly("take", "take", "take", "put");
    assertThat(events).extracting(e -> e.state).containsExactly("empty", "empty", "empty", "full");
    assertThat(InProgressWaits.open()).isZero();
  }

  /** Each wait's stack starts at one of the two lines where round i's wait could end. */
  private void assertEachWalkedWhereItEnded(String[][] lines) {
    assertThat(events).hasSize(lines.length);
    for (int i = 0; i < lines.length; i++) {
      assertThat(events.get(i).stack.text.split("\n")[0])
          .as("wait %d walked where it ended", i)
          .isIn(lines[i][1], lines[i][2]);
    }
  }

  @Test
  void aRendezvousWaitAfterALongOneWalksAtItsEndNotWhenItAnnouncesItsPark() throws Exception {
    // A lock wait after a long one walks before it parks (BlockedTimeLocksTest); a queue's wait
    // holds nothing when it ends, so it walks there, and only if it was long.
    SynchronousQueue<Object> q = new SynchronousQueue<>();
    QueueDriver.register(q, "SynchronousQueue");
    Object transferer = field(q, SynchronousQueue.class, "transferer");
    String[][] lines =
        onNewThread(
            () -> {
              String[][] at = new String[2][];
              for (int i = 0; i < 2; i++) {
                ThreadState put = BlockedTime.opEnter(q, "put");
                String announced = QueueDriver.currentBlocker(transferer);
                sleep(3);
                String cleared = QueueDriver.currentBlockerCleared();
                at[i] = new String[] {announced, cleared, QueueDriver.opExit(put, null, false)};
              }
              return at;
            });
    assertEachWalkedWhereItEnded(lines);
  }

  @Test
  void aTransferQueuesParkAfterALongWaitDoesNotWalk() throws Exception {
    LinkedTransferQueue<Object> q = new LinkedTransferQueue<>();
    QueueDriver.register(q, "LinkedTransferQueue");
    String[][] lines =
        onNewThread(
            () -> {
              String[][] at = new String[2][];
              for (int i = 0; i < 2; i++) {
                ThreadState op = BlockedTime.opEnter(q, "take");
                String parked = QueueDriver.parkBegin(q); // opens the wait, at depth 0
                sleep(3);
                String ended = QueueDriver.waitEnd(op, 1);
                at[i] = new String[] {parked, ended, QueueDriver.opExit(op, null, false)};
              }
              return at;
            });
    assertEachWalkedWhereItEnded(lines);
  }

  @Test
  void aTimedCallThatGaveUpWithoutParkingIsAWaitOfItsTimeout() throws Exception {
    // JDK 17's SynchronousQueue and LinkedTransferQueue spin and yield before parking: on a
    // saturated machine a timed call can run out of time without a park for the advice to see
    SynchronousQueue<Object> q = new SynchronousQueue<>();
    QueueDriver.register(q, "SynchronousQueue");
    LinkedTransferQueue<Object> ltq = new LinkedTransferQueue<>();
    QueueDriver.register(ltq, "LinkedTransferQueue");
    long[] window = new long[2];
    onNewThread(
        () -> {
          window[0] = System.nanoTime();
          BlockedTime.opReturned(q, "poll", null, true, 3, TimeUnit.MILLISECONDS);
          BlockedTime.opReturned(ltq, "tryTransfer", null, true, 2_000, TimeUnit.MICROSECONDS);
          window[1] = System.nanoTime();
          // not waits: a call that went through, a zero timeout, an interrupted call, an untimed one
          BlockedTime.opReturned(q, "poll", null, false, 3, TimeUnit.MILLISECONDS);
          BlockedTime.opReturned(q, "poll", null, true, 0, TimeUnit.MILLISECONDS);
          BlockedTime.opReturned(q, "poll", new InterruptedException(), true, 3, TimeUnit.MILLISECONDS);
          BlockedTime.opReturned(q, "take", null, false, 0, null);
          return null;
        });
    assertThat(events).hasSize(2);
    WaitEvent poll = events.get(0);
    assertThat(poll.name.type).isEqualTo("SynchronousQueue");
    assertThat(poll.operation).isEqualTo("poll");
    assertThat(poll.state).isEqualTo("empty");
    assertThat(poll.outcome).isEqualTo("timeout");
    assertThat(poll.durationNanos).isEqualTo(3 * MS);
    assertThat(poll.startNanos + poll.durationNanos).isBetween(window[0], window[1]);
    WaitEvent offer = events.get(1);
    assertThat(offer.name.type).isEqualTo("LinkedTransferQueue");
    assertThat(offer.operation).isEqualTo("try_transfer");
    assertThat(offer.state).isEqualTo("full");
    assertThat(offer.outcome).isEqualTo("timeout");
    assertThat(offer.durationNanos).isEqualTo(2 * MS);
    assertThat(InProgressWaits.open()).isZero();
  }

  @Test
  void linkedTransferQueueParksOnItselfAsTheTransferer() throws Exception {
    LinkedTransferQueue<Object> q = new LinkedTransferQueue<>();
    QueueDriver.register(q, "LinkedTransferQueue");
    assertThat(Resources.lookup(q).role).isEqualTo(Registration.TRANSFER);
    onNewThread(
        () -> {
          assertThat(BlockedTime.waitBegin(q)).isNull(); // not a synchronizer wait
          ThreadState op = BlockedTime.opEnter(q, "tryTransfer");
          ThreadState p = BlockedTime.parkBegin(q);
          assertThat(p).isSameAs(op);
          QueueDriver.waitEnd(p, 0);
          QueueDriver.opExit(op, null, true);
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.operation).isEqualTo("try_transfer");
      assertThat(e.state).isEqualTo("full");
      assertThat(e.outcome).isEqualTo("timeout");
    });
  }

  @Test
  void transferParkOutsideAnOperationIsNotASynchronizerWait() throws Exception {
    SynchronousQueue<Object> q = new SynchronousQueue<>();
    QueueDriver.register(q, "SynchronousQueue");
    Object transferer = field(q, SynchronousQueue.class, "transferer");
    onNewThread(
        () -> {
          assertThat(BlockedTime.waitBegin(transferer)).isNull();
          assertThat(BlockedTime.parkBegin(null)).isNull();
          return null;
        });
    assertThat(events).isEmpty();
  }

  // ------------------------------------------------------------------ what is not recorded

  @Test
  void nestedOpEnterReturnsNullAndTheOuterOperationOwnsTheWait() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState outer = BlockedTime.opEnter(q, "put");
          assertThat(outer).isNotNull();
          assertThat(BlockedTime.opEnter(q, "offer")).isNull(); // put → offer internally
          assertThat(BlockedTime.opEnter(new ArrayBlockingQueue<>(1), "take")).isNull();
          QueueDriver.waitEnd(BlockedTime.waitBegin(notFull(q)), 1);
          QueueDriver.opExit(outer, null, false);
          // after the outer exit, a new operation is outermost again
          ThreadState next = BlockedTime.opEnter(q, "take");
          assertThat(next).isNotNull();
          QueueDriver.opExit(next, null, false);
          return null;
        });
    assertThat(events).singleElement().extracting(e -> e.operation).isEqualTo("put");
  }

  @Test
  void waitOnAnUnregisteredObjectRecordsNothing() throws Exception {
    ArrayBlockingQueue<Object> unregistered = new ArrayBlockingQueue<>(1);
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          assertThat(BlockedTime.waitBegin(new Object())).isNull();
          assertThat(BlockedTime.waitBegin(notFull(unregistered))).isNull();
          assertThat(BlockedTime.waitBegin(null)).isNull();
          // a registered queue's own object is never a blocker
          assertThat(BlockedTime.waitBegin(q)).isNull();
          ThreadState op = BlockedTime.opEnter(unregistered, "put");
          assertThat(BlockedTime.waitBegin(notFull(unregistered))).isNull();
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).isEmpty();
    assertThat(InProgressWaits.open()).isZero();
  }

  @Test
  void agentThreadsAreNeverRecorded() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Object sync = lockSync(q, ArrayBlockingQueue.class, "lock");
    for (String name :
        new String[] {
          "BatchSpanProcessor_WorkerThread", "PeriodicMetricReader", "otel-javaagent-x", "blocked-time-deadlocks"
        }) {
      onNewThread(
          name,
          () -> {
            assertThat(BlockedTime.opEnter(q, "put")).isNull();
            assertThat(BlockedTime.waitBegin(sync)).isNull();
            assertThat(BlockedTime.waitBegin(notFull(q))).isNull();
            return null;
          });
    }
    assertThat(events).isEmpty();
    assertThat(ThreadState.isAgentThread("main")).isFalse();
  }

  @Test
  void waitsEndingBeforeStartAreDropped() throws Exception {
    BlockedTime.start(null);
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "put");
          QueueDriver.waitEnd(BlockedTime.waitBegin(notFull(q)), 1);
          QueueDriver.opExit(op, null, false);
          BlockedTime.start(events::add);
          // the thread's state was cleaned up: the next wait records normally
          ThreadState again = BlockedTime.opEnter(q, "take");
          QueueDriver.waitEnd(BlockedTime.waitBegin(notEmpty(q)), 1);
          QueueDriver.opExit(again, null, false);
          return null;
        });
    assertThat(events).singleElement().extracting(e -> e.operation).isEqualTo("take");
    assertThat(InProgressWaits.open()).isZero();
  }

  @Test
  void recorderThatThrowsNeverReachesTheApplicationAndIsLoggedOnce() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    BlockedTime.start(
        e -> {
          throw new IllegalStateException("bridge broke");
        });
    onNewThread(
        () -> {
          for (int i = 0; i < 3; i++) {
            ThreadState op = BlockedTime.opEnter(q, "put");
            QueueDriver.waitEnd(BlockedTime.waitBegin(notFull(q)), 1);
            QueueDriver.opExit(op, null, false);
          }
          BlockedTime.start(events::add);
          ThreadState op = BlockedTime.opEnter(q, "put");
          QueueDriver.waitEnd(BlockedTime.waitBegin(notFull(q)), 1);
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(log.lines())
        .containsExactly(
            "WARN internal error in blocked-time (record); the application is not affected");
    assertThat(events).hasSize(1);
  }

  @Test
  void shortWaitsCarryNoStack() throws Exception {
    BlockedTime.configure(Settings.from(Map.of(Settings.PREFIX + "stack-threshold", "1h")::get));
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    onNewThread(
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "put");
          ThreadState w = BlockedTime.waitBegin(notFull(q));
          sleep(2);
          QueueDriver.waitEnd(w, 1);
          QueueDriver.opExit(op, null, false);
          return null;
        });
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.stack).isNull();
      assertThat(e.firstOfStack).isFalse();
    });
  }

  @Test
  void stackDepthSettingBoundsTheStack() throws Exception {
    BlockedTime.configure(
        Settings.from(
            Map.of(Settings.PREFIX + "stack-threshold", "0", Settings.PREFIX + "stack-depth", "2")::get));
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Run run =
        onNewThread(
            () -> {
              Run r = new Run();
              ThreadState op = BlockedTime.opEnter(q, "put");
              QueueDriver.waitEnd(BlockedTime.waitBegin(notFull(q)), 1);
              r.endLine = QueueDriver.opExit(op, null, false);
              return r;
            });
    assertThat(events).singleElement().satisfies(e -> {
      String[] lines = e.stack.text.split("\n");
      assertThat(lines).hasSize(2);
      assertThat(lines[0]).isEqualTo(run.endLine);
      assertThat(lines[1]).startsWith(BlockedTimeTest.class.getName() + ".lambda$");
    });
  }

  // ------------------------------------------------------------------ waits in progress

  @Test
  void snapshotShowsAWaitWhileItIsOpenAndNotAfter() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    String site = QueueDriver.register(q, "ArrayBlockingQueue");
    CountDownLatch opened = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              ThreadState op = BlockedTime.opEnter(q, "put");
              ThreadState w = BlockedTime.waitBegin(notFull(q));
              opened.countDown();
              awaitQuietly(release);
              QueueDriver.waitEnd(w, 1);
              QueueDriver.opExit(op, null, false);
            },
            "waiter");
    t.start();
    try {
      assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
      sleep(20);

      List<InProgressWaits.Group> groups = InProgressWaits.snapshot(ResourceName.Kind.QUEUE, System.nanoTime());
      assertThat(groups).singleElement().satisfies(g -> {
        assertThat(g.name.name).isEqualTo(site);
        assertThat(g.name.type).isEqualTo("ArrayBlockingQueue");
        assertThat(g.operation).isEqualTo("put");
        assertThat(g.state).isEqualTo("full");
        assertThat(g.threads).isEqualTo(1);
        assertThat(g.oldestNanos).isGreaterThanOrEqualTo(20 * MS).isLessThan(30_000 * MS);
      });
      assertThat(InProgressWaits.snapshot(ResourceName.Kind.LOCK, System.nanoTime())).isEmpty();
    } finally {
      release.countDown();
      t.join(10_000);
    }
    assertThat(InProgressWaits.snapshot(ResourceName.Kind.QUEUE, System.nanoTime())).isEmpty();
    assertThat(InProgressWaits.open()).isZero();
    assertThat(events).hasSize(1);
  }

  @Test
  void snapshotGroupsByNameOperationAndState() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    ArrayBlockingQueue<Object> q2 = new ArrayBlockingQueue<>(1);
    String site = QueueDriver.register(q, "ArrayBlockingQueue");
    QueueDriver.register(q2, "ArrayBlockingQueue"); // same site: same name, same series
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch opened = new CountDownLatch(4);
    Thread[] threads = {
      waiter(q, "put", notFull(q), opened, release),
      waiter(q2, "put", notFull(q2), opened, release),
      waiter(q, "take", notEmpty(q), opened, release),
      contender(lockSync(q, ArrayBlockingQueue.class, "lock"), opened, release),
    };
    long firstStarted = System.nanoTime();
    threads[0].start();
    while (opened.getCount() == 4) { // its wait opened: from there it waits 30 ms before the others
      Thread.onSpinWait();
    }
    sleep(30); // the first put has waited longest
    for (int i = 1; i < threads.length; i++) {
      threads[i].start();
    }
    try {
      assertThat(opened.await(10, TimeUnit.SECONDS)).isTrue();
      long now = System.nanoTime();
      List<InProgressWaits.Group> groups = InProgressWaits.snapshot(ResourceName.Kind.QUEUE, now);
      assertThat(groups).hasSize(3);
      assertThat(groups).allSatisfy(g -> assertThat(g.name.name).isEqualTo(site));
      InProgressWaits.Group puts = group(groups, "put", "full");
      InProgressWaits.Group takes = group(groups, "take", "empty");
      InProgressWaits.Group contended = group(groups, "unknown", "contended");
      assertThat(puts.threads).isEqualTo(2);
      assertThat(puts.oldestNanos).isGreaterThanOrEqualTo(30 * MS).isLessThanOrEqualTo(now - firstStarted);
      assertThat(takes.threads).isEqualTo(1);
      assertThat(takes.oldestNanos).isLessThan(puts.oldestNanos);
      assertThat(contended.threads).isEqualTo(1);
    } finally {
      release.countDown();
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
    assertThat(InProgressWaits.snapshot(ResourceName.Kind.QUEUE, System.nanoTime())).isEmpty();
    assertThat(events).hasSize(4);
  }

  @Test
  void snapshotDropsAThreadThatDiedWithAWaitOpen() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Thread t =
        new Thread(
            () -> {
              BlockedTime.opEnter(q, "put");
              BlockedTime.waitBegin(notFull(q));
              // the exit advice never runs
            },
            "dies-waiting");
    t.start();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(InProgressWaits.open()).isEqualTo(1);
    assertThat(InProgressWaits.holds(t)).isTrue();
    long nextSweepDue = nextSweepDue();
    assertThat(InProgressWaits.snapshot(ResourceName.Kind.QUEUE, nextSweepDue)).isEmpty();
    assertThat(InProgressWaits.open()).isZero();
    assertThat(InProgressWaits.holds(t)).isFalse();
  }

  @Test
  void aThreadThatDiedWaitingForItsExitIsUncountedFromItsStripe() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    long before = BlockedTime.pendingExits();
    Thread t =
        new Thread(
            () -> {
              ThreadState marked = BlockedTime.opEnter(q, "put");
              QueueDriver.waitEnd(BlockedTime.waitBegin(notFull(q)), 1);
              BlockedTime.opLeave(marked);
              // dies before its exit advice runs
            },
            "dies-before-exit");
    t.start();
    t.join(10_000);
    assertThat(BlockedTime.pendingExits()).isEqualTo(before + 1);
    long nextSweepDue = nextSweepDue();
    assertThat(InProgressWaits.snapshot(ResourceName.Kind.QUEUE, nextSweepDue)).isEmpty();
    assertThat(BlockedTime.pendingExits()).isEqualTo(before);
  }

  @Test
  void aThreadJoinsTheInProgressSetOnceAndLeavesItWhenItDiesThoughNothingCollects() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    Runnable twoWaits =
        () -> {
          for (int i = 0; i < 2; i++) {
            ThreadState op = BlockedTime.opEnter(q, "put");
            QueueDriver.waitEnd(BlockedTime.waitBegin(notFull(q)), 1);
            QueueDriver.opExit(op, null, false);
          }
        };
    int before = InProgressWaits.size();
    Thread first = new Thread(twoWaits, "waits-twice");
    first.start();
    first.join(10_000);
    assertThat(InProgressWaits.size()).isEqualTo(before + 1); // two waits, one member
    assertThat(InProgressWaits.open()).isZero();

    // threads that wait and die, with no collection to sweep them: the joins sweep
    int threads = 3 * InProgressWaits.MIN_SWEEP_SIZE;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(twoWaits, "churned-" + i);
      t.start();
      t.join(10_000);
    }
    assertThat(events).hasSize(2 * (threads + 1));
    assertThat(InProgressWaits.size()).isLessThanOrEqualTo(InProgressWaits.MIN_SWEEP_SIZE);
    assertThat(InProgressWaits.open()).isZero();
  }

  @Test
  void theInProgressSetKeepsNeitherADeadThreadNorItsTask() throws Exception {
    ArrayBlockingQueue<Object> q = new ArrayBlockingQueue<>(1);
    QueueDriver.register(q, "ArrayBlockingQueue");
    AtomicReference<ThreadState> state = new AtomicReference<>();
    WeakReference<?>[] refs = waitOnceAndDie(q, state);
    events.clear(); // the recorded events name the thread
    for (int i = 0; i < 100 && (refs[0].get() != null || refs[1].get() != null); i++) {
      System.gc();
      Thread.sleep(10);
    }
    // From JDK 19 a dead thread still references its task: holding the thread would hold a pool.
    assertThat(refs[0].get()).as("the thread").isNull();
    assertThat(refs[1].get()).as("its task").isNull();
    // still a member (no sweep has found it dead), or the test would prove nothing
    assertThat(InProgressWaits.holds(state.get())).isTrue();
  }

  /** Weak references to a thread that waited once and died, and to its task. */
  private WeakReference<?>[] waitOnceAndDie(ArrayBlockingQueue<Object> q, AtomicReference<ThreadState> state)
      throws InterruptedException {
    Runnable task =
        () -> {
          ThreadState op = BlockedTime.opEnter(q, "put");
          state.set(op);
          QueueDriver.waitEnd(BlockedTime.waitBegin(notFull(q)), 1);
          QueueDriver.opExit(op, null, false);
        };
    Thread t = new Thread(task, "waits-once");
    t.start();
    t.join(10_000);
    assertThat(InProgressWaits.holds(t)).isTrue();
    assertThat(events).hasSize(1);
    return new WeakReference<?>[] {new WeakReference<>(t), new WeakReference<>(task)};
  }

  private static InProgressWaits.Group group(List<InProgressWaits.Group> groups, String op, String state) {
    return groups.stream()
        .filter(g -> g.operation.equals(op) && g.state.equals(state))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no group " + op + "/" + state + " in " + groups.size()));
  }

  private static Thread waiter(
      Object queue, String method, Object condition, CountDownLatch opened, CountDownLatch release) {
    return new Thread(
        () -> {
          ThreadState op = BlockedTime.opEnter(queue, method);
          ThreadState w = BlockedTime.waitBegin(condition);
          opened.countDown();
          awaitQuietly(release);
          QueueDriver.waitEnd(w, 1);
          QueueDriver.opExit(op, null, false);
        },
        "waiter-" + method + "-" + THREADS.incrementAndGet());
  }

  private static Thread contender(Object sync, CountDownLatch opened, CountDownLatch release) {
    return new Thread(
        () -> {
          ThreadState w = BlockedTime.waitBegin(sync);
          opened.countDown();
          awaitQuietly(release);
          QueueDriver.waitEnd(w, 1);
        },
        "contender-" + THREADS.incrementAndGet());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
