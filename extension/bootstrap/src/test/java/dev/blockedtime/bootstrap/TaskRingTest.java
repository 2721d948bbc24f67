package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TaskRingTest {
  @Test
  void tasksStartedInOrderAreFoundAtTheHeadWithTheirStampAndContext() {
    TaskRing ring = new TaskRing();
    Object context = new Object();
    Object[] tasks = new Object[1000];
    for (int round = 0; round < 4; round++) { // past the end of the ring several times
      for (int i = 0; i < tasks.length / 4; i++) {
        Object task = new Object();
        tasks[i] = task;
        assertThat(ring.put(task, 1_000 + i, i % 2 == 0 ? context : null))
            .isEqualTo((round * tasks.length / 4 + i) % TaskRing.SIZE);
      }
      for (int i = 0; i < tasks.length / 4; i++) {
        int slot = ring.claimNear(tasks[i]);
        assertThat(slot).as("task %d of round %d", i, round).isNotNegative();
        assertThat(ring.stamp(slot)).isEqualTo(1_000 + i);
        assertThat(ring.context(slot)).isEqualTo(i % 2 == 0 ? context : null);
        ring.free(slot);
      }
    }
    assertThat(count(ring)).isZero();
  }

  @Test
  void aFullRingRefusesAndATaskOutOfOrderIsFoundAnywhere() {
    TaskRing ring = new TaskRing();
    List<Object> tasks = new ArrayList<>();
    for (int i = 0; i < TaskRing.SIZE; i++) {
      Object task = new Object();
      tasks.add(task);
      assertThat(ring.put(task, i, null)).isEqualTo(i);
    }
    assertThat(ring.put(new Object(), 0, null)).as("its slot holds a task not yet started").isEqualTo(-1);
    Object last = tasks.get(TaskRing.SIZE - 1);
    assertThat(ring.claimNear(last)).as("far from the head").isNegative();
    int slot = claim(ring, last);
    assertThat(ring.stamp(slot)).isEqualTo(TaskRing.SIZE - 1);
    ring.free(slot);
    assertThat(claim(ring, new Object())).as("never submitted").isNegative();
    assertThat(count(ring)).isEqualTo(TaskRing.SIZE - 1);
  }

  @Test
  void aTaskThatCarriesItsSlotIsClaimedThereAndOnlyThere() {
    TaskRing ring = new TaskRing();
    Object first = new Object();
    Object second = new Object();
    int a = ring.put(first, 1, null);
    int b = ring.put(second, 2, null);
    assertThat(ring.claimAt(a, second)).as("another task's slot").isNegative();
    int slot = ring.claimAt(b, second);
    assertThat(slot).isEqualTo(b);
    assertThat(ring.stamp(slot)).isEqualTo(2);
    ring.free(slot);
    assertThat(ring.claimAt(b, second)).as("claimed once").isNegative();
    Object third = new Object();
    int c = ring.put(third, 3, null);
    assertThat(ring.claimNear(third)).as("the head hint moved to the slot after").isEqualTo(c);
    assertThat(ring.claimAnywhere(first)).isEqualTo(a);
  }

  @Test
  void aTaskStartedOutOfOrderIsFoundNearTheHeadAndOneBehindTheHeadOnlyAnywhere() {
    TaskRing ring = new TaskRing();
    Object a = new Object();
    Object b = new Object();
    Object c = new Object();
    int slotA = ring.put(a, 1, null);
    int slotB = ring.put(b, 2, null);
    int slotC = ring.put(c, 3, null);
    assertThat(ring.claimNear(b))
        .as("the head holds another task: found just after it")
        .isEqualTo(slotB);
    ring.free(slotB);
    assertThat(ring.claimNear(a)).as("the head hint moved past a, which is behind it now")
        .isNegative();
    assertThat(ring.claimNear(c)).as("at the head").isEqualTo(slotC);
    assertThat(ring.stamp(slotC)).isEqualTo(3);
    ring.free(slotC);
    assertThat(ring.claimAnywhere(a)).isEqualTo(slotA);
    assertThat(ring.stamp(slotA)).isEqualTo(1);
    ring.free(slotA);
    assertThat(count(ring)).isZero();
  }

  @Test
  void forgetRemovesEveryEntryOfATaskAndTheVisitorDropsWhatItRejects() {
    TaskRing ring = new TaskRing();
    Object twice = new Object();
    Object kept = new Object();
    Object stale = new Object();
    ring.put(twice, 1, null);
    ring.put(kept, 2, null);
    ring.put(twice, 3, null);
    ring.put(stale, 4, null);
    assertThat(ring.forget(twice)).isEqualTo(2);
    ring.forEach((task, stamp) -> task != stale);
    assertThat(count(ring)).isEqualTo(1);
    assertThat(claim(ring, kept)).isNotNegative();
  }

  /**
   * Two submitters and two workers through a real queue, with the ring overflowing now and then
   * (the caller's table then takes the task), while a fifth thread keeps visiting the ring as the
   * gauges do: every task is found exactly once, with its own stamp, and no visit sees an entry
   * half written.
   */
  @Test
  void concurrentSubmittersAndWorkersFindEveryTaskOnce() throws Exception {
    handOff(false);
  }

  /** The same, with tasks that carry their slot: taken with {@link TaskRing#claimAt}, no CAS. */
  @Test
  void tasksThatCarryTheirSlotAreTakenOnceWhileTheGaugesVisit() throws Exception {
    handOff(true);
  }

  private static void handOff(boolean carrySlot) throws Exception {
    TaskRing ring = new TaskRing();
    BlockingQueue<long[]> queue = new ArrayBlockingQueue<>(400); // more than the ring holds
    int perSubmitter = 200_000;
    AtomicLong inRing = new AtomicLong();
    AtomicLong found = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    AtomicLong torn = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      int id = s;
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < perSubmitter; i++) {
                  long[] task = {id * 1_000_000L + i, -1}; // its stamp, its slot
                  int slot = ring.put(task, task[0], null);
                  if (slot >= 0) {
                    task[1] = slot;
                    inRing.incrementAndGet();
                  }
                  try {
                    queue.put(task);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }));
    }
    for (int w = 0; w < 2; w++) {
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < perSubmitter; i++) {
                  long[] task;
                  try {
                    task = queue.poll(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    return;
                  }
                  if (task == null) {
                    continue;
                  }
                  int slot;
                  if (!carrySlot) {
                    slot = claim(ring, task);
                  } else {
                    slot = task[1] < 0 ? -1 : ring.claimAt((int) task[1], task);
                  }
                  if (slot >= 0) {
                    if (ring.stamp(slot) != task[0]) {
                      wrong.incrementAndGet();
                    }
                    ring.free(slot);
                    found.incrementAndGet();
                  }
                }
              }));
    }
    Thread gauges =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                ring.forEach(
                    (task, stamp) -> {
                      if (stamp != ((long[]) task)[0]) {
                        torn.incrementAndGet();
                      }
                      return true;
                    });
              }
            });
    gauges.start();
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    gauges.interrupt();
    gauges.join(10_000);
    assertThat(wrong.get()).isZero();
    assertThat(torn.get()).isZero();
    assertThat(found.get()).isEqualTo(inRing.get());
    assertThat(inRing.get()).as("most tasks go through the ring").isGreaterThan(perSubmitter);
    assertThat(count(ring)).isZero();
  }

  private static int count(TaskRing ring) {
    int[] n = new int[1];
    ring.forEach(
        (task, stamp) -> {
          n[0]++;
          return true;
        });
    return n[0];
  }

  /** As a worker looks: near the head, then the whole ring. */
  private static int claim(TaskRing ring, Object task) {
    int slot = ring.claimNear(task);
    return slot >= 0 ? slot : ring.claimAnywhere(task);
  }
}
