package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueuedTasksTest {
  static final ExecutorRecord POOL =
      new ExecutorRecord(
          ResourceName.of(ResourceName.Kind.EXECUTOR, "ThreadPoolExecutor", "QueuedTasksTest.pool:1"),
          new Object(),
          ExecutorRecord.THREAD_POOL);

  @Test
  void aTaskIsFoundOnceWithWhatItWasStampedWith() {
    QueuedTasks t = new QueuedTasks();
    Object task = new Object();
    Object context = new Object();
    t.put(task, POOL, 42L, context);

    QueuedTasks.Entry e = t.take(task);
    assertThat(e).isNotNull();
    assertThat(e.stamp).isEqualTo(42L);
    assertThat(e.owner).isSameAs(POOL);
    assertThat(e.context).isSameAs(context);
    assertThat(t.take(task)).isNull();
    assertThat(t.take(new Object())).isNull();
  }

  @Test
  void theSameTaskSubmittedTwiceHasTwoEntries() {
    QueuedTasks t = new QueuedTasks();
    Object task = new Object();
    t.put(task, POOL, 1L, null);
    t.put(task, POOL, 2L, null);
    List<Long> stamps = new ArrayList<>();
    for (QueuedTasks.Entry e; (e = t.take(task)) != null; ) {
      stamps.add(e.stamp);
    }
    assertThat(stamps).containsExactlyInAnyOrder(1L, 2L);
  }

  @Test
  void aFullBucketSpillsIntoTheOverflowMap() {
    QueuedTasks t = new QueuedTasks(QueuedTasks.BUCKET); // one bucket
    List<Object> tasks = new ArrayList<>();
    for (int i = 0; i < QueuedTasks.BUCKET + 3; i++) {
      Object task = new Object();
      tasks.add(task);
      t.put(task, POOL, i, null);
    }
    assertThat(t.hasOverflow()).isTrue();
    List<Long> found = new ArrayList<>();
    for (Object task : tasks) {
      QueuedTasks.Entry e = t.take(task);
      assertThat(e).isNotNull();
      assertThat(e.task).isSameAs(task);
      found.add(e.stamp);
    }
    assertThat(found).hasSize(tasks.size()).doesNotHaveDuplicates();
    assertThat(t.hasOverflow()).isFalse();
  }

  @Test
  void forgetRemovesEveryEntryOfATask() {
    QueuedTasks t = new QueuedTasks(QueuedTasks.BUCKET);
    Object task = new Object();
    for (int i = 0; i < QueuedTasks.BUCKET + 2; i++) {
      t.put(task, POOL, i, null);
    }
    assertThat(t.forget(task)).isEqualTo(QueuedTasks.BUCKET + 2);
    assertThat(t.take(task)).isNull();
    assertThat(t.hasOverflow()).isFalse();
  }

  @Test
  void forEachSeesEveryEntryAndDropsThoseItRejects() {
    QueuedTasks t = new QueuedTasks(QueuedTasks.BUCKET * 4);
    List<Object> tasks = new ArrayList<>();
    for (int i = 0; i < 100; i++) { // more than the table: some overflow
      Object task = new Object();
      tasks.add(task);
      t.put(task, POOL, i, null);
    }
    AtomicLong seen = new AtomicLong();
    t.forEach((task, owner, stamp) -> {
      seen.incrementAndGet();
      return stamp % 2 == 0; // drop the odd ones
    });
    assertThat(seen.get()).isEqualTo(100);
    AtomicLong left = new AtomicLong();
    t.forEach((task, owner, stamp) -> {
      assertThat(stamp % 2).isZero();
      left.incrementAndGet();
      return true;
    });
    assertThat(left.get()).isEqualTo(50);
  }

  /** Many submitters and starters at once: every entry is taken exactly once, with its stamp. */
  @Test
  void concurrentPutsAndTakesLoseNothing() throws Exception {
    QueuedTasks t = new QueuedTasks(1 << 10); // small: buckets fill, the overflow map is used
    int producers = 4;
    int perProducer = 50_000;
    ConcurrentLinkedQueue<Object[]> handOff = new ConcurrentLinkedQueue<>();
    AtomicLong taken = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    CountDownLatch producersDone = new CountDownLatch(producers);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < perProducer; i++) {
          Object task = new Object();
          long stamp = System.nanoTime();
          t.put(task, POOL, stamp, task);
          handOff.add(new Object[] {task, stamp});
        }
        producersDone.countDown();
      }));
    }
    for (int c = 0; c < 4; c++) {
      threads.add(new Thread(() -> {
        while (true) {
          Object[] next = handOff.poll();
          if (next == null) {
            if (producersDone.getCount() == 0 && handOff.isEmpty()) {
              return;
            }
            Thread.onSpinWait();
            continue;
          }
          Object task = next[0];
          QueuedTasks.Entry e = t.take(task);
          if (e == null) {
            wrong.incrementAndGet();
            continue;
          }
          if (e.stamp != (long) next[1] || e.context != task || e.task != task) {
            wrong.incrementAndGet();
          }
          taken.incrementAndGet();
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread th : threads) {
      th.join();
    }
    assertThat(wrong.get()).isZero();
    assertThat(taken.get()).isEqualTo((long) producers * perProducer);
    AtomicLong left = new AtomicLong();
    t.forEach((task, owner, stamp) -> left.incrementAndGet() < 0);
    assertThat(left.get()).isZero();
    assertThat(t.hasOverflow()).isFalse();
  }

  /** An entry taken by its task's start while the sweep looks at it is not counted as dropped. */
  @Test
  void anEntryTakenDuringTheSweepIsNotReportedDropped() {
    QueuedTasks t = new QueuedTasks();
    Object raced = new Object();
    Object stale = new Object();
    t.put(raced, POOL, 1L, null);
    t.put(stale, POOL, 2L, null);
    AtomicLong dropped = new AtomicLong();
    t.forEach(new QueuedTasks.Visitor() {
      @Override
      public boolean visit(Object task, ExecutorRecord owner, long stamp) {
        if (task == raced) {
          assertThat(t.take(raced)).isNotNull(); // its worker starts it right now
        }
        return false;
      }

      @Override
      public void dropped(ExecutorRecord owner) {
        dropped.incrementAndGet();
      }
    });
    assertThat(dropped.get()).isEqualTo(1);
    assertThat(t.take(stale)).isNull();
  }
}
