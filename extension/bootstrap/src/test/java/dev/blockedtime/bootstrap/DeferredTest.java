package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.testsupport.QueueDriver;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rings that hand lock waits to the recorder thread, and the core's use of them. */
class DeferredTest {
  @AfterEach
  void stop() {
    Deferred.stopped();
    BlockedTime.start(null);
  }

  private static WaitEvent event(long duration) {
    ResourceName name = ResourceName.of(ResourceName.Kind.LOCK, "ReentrantLock", "DeferredTest:" + duration % 3);
    Thread t = Thread.currentThread();
    return new WaitEvent(name, "lock", "exclusive", "ok", 0, duration, null, false, t, t.getName(), 1, false);
  }

  @Test
  void aRingKeepsOrderAndRefusesOnceFull() {
    Deferred ring = new Deferred();
    for (int i = 0; i < Deferred.SIZE; i++) {
      assertThat(ring.put(event(i))).isTrue();
    }
    assertThat(ring.put(event(-1))).isFalse(); // full: the caller records it itself

    List<Long> seen = new ArrayList<>();
    assertThat(ring.drainInto(e -> seen.add(e.durationNanos))).isEqualTo(Deferred.SIZE);
    assertThat(seen).hasSize(Deferred.SIZE).isSorted();
    assertThat(ring.put(event(7))).isTrue(); // room again
    assertThat(ring.drainInto(e -> seen.add(e.durationNanos))).isOne();
    assertThat(ring.drainInto(e -> seen.add(e.durationNanos))).isZero();
  }

  @Test
  void everyWaitIsRecordedOnceUnderAConcurrentDrain() throws Exception {
    Deferred ring = new Deferred();
    int total = 200_000;
    AtomicInteger selfRecorded = new AtomicInteger();
    List<Long> drained = new ArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < total; i++) {
                if (!ring.put(event(i))) {
                  selfRecorded.incrementAndGet();
                }
              }
              done.set(true);
            });
    writer.start();
    while (!done.get()) {
      ring.drainInto(e -> drained.add(e.durationNanos));
    }
    writer.join();
    ring.drainInto(e -> drained.add(e.durationNanos));
    assertThat(drained.size() + selfRecorded.get()).isEqualTo(total);
    assertThat(drained).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aLockWaitDoesWhatNeedsItsThreadAtOnceAndItsPointAtTheDrain() throws Exception {
    BlockedTime.configure(Settings.defaults());
    List<WaitEvent> recorded = new CopyOnWriteArrayList<>();
    List<WaitEvent> spanEvents = new CopyOnWriteArrayList<>();
    BlockedTime.start(
        new Recorder() {
          @Override
          public void record(WaitEvent e) {
            recorded.add(e);
          }

          @Override
          public void onWaitingThread(WaitEvent e) {
            assertThat(Thread.currentThread().getName()).isEqualTo("lock-waiter");
            spanEvents.add(e);
          }
        });
    Deferred.started();
    ReentrantLock lock = new ReentrantLock();
    Object sync = sync(lock);
    QueueDriver.registerLock(sync, "ReentrantLock");

    Thread t =
        new Thread(
            () -> {
              ThreadState s = BlockedTime.waitBegin(sync, LockOps.flags(false, false, false));
              sleepQuietly(3);
              BlockedTime.waitEnd(s, 1);
            },
            "lock-waiter");
    t.start();
    t.join();

    assertThat(spanEvents).singleElement().satisfies(e -> assertThat(e.operation).isEqualTo("lock"));
    assertThat(recorded).isEmpty(); // handed over
    assertThat(BlockedTime.drainHandedOver(true)).isOne();
    assertThat(recorded).singleElement().satisfies(e -> {
      assertThat(e).isSameAs(spanEvents.get(0));
      assertThat(e.onWaitingThread).isFalse(); // its span event, if any, is made already
      assertThat(e.durationNanos).isGreaterThanOrEqualTo(3_000_000L);
    });
    assertThat(BlockedTime.drainHandedOver(true)).isZero();
  }

  @Test
  void withoutTheRecorderThreadAWaitRecordsItself() throws Exception {
    BlockedTime.configure(Settings.defaults());
    List<WaitEvent> recorded = new CopyOnWriteArrayList<>();
    BlockedTime.start(recorded::add);
    Semaphore semaphore = new Semaphore(0);
    Object sync = sync(semaphore);
    QueueDriver.registerLock(sync, "Semaphore");
    Thread t =
        new Thread(
            () -> BlockedTime.waitEnd(BlockedTime.waitBegin(sync, LockOps.flags(true, false, false)), 1));
    t.start();
    t.join();
    assertThat(recorded).singleElement().satisfies(e -> assertThat(e.onWaitingThread).isTrue());
  }

  @Test
  void theRingsOfDeadThreadsAreForgottenOnceDrained() throws Exception {
    BlockedTime.configure(Settings.defaults());
    List<WaitEvent> recorded = new CopyOnWriteArrayList<>();
    BlockedTime.start(recorded::add);
    Deferred.started();
    ReentrantLock lock = new ReentrantLock();
    Object sync = sync(lock);
    QueueDriver.registerLock(sync, "ReentrantLock");
    int before = Deferred.threads();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> BlockedTime.waitEnd(BlockedTime.waitBegin(sync, 0), 1));
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(Deferred.threads()).isEqualTo(before + 4);
    assertThat(BlockedTime.drainHandedOver(true)).isEqualTo(4);
    assertThat(recorded).hasSize(4);
    assertThat(Deferred.threads()).isLessThanOrEqualTo(before);
  }

  private static Object sync(Object lock) {
    try {
      Field f = lock.getClass().getDeclaredField("sync");
      f.setAccessible(true);
      return f.get(lock);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
