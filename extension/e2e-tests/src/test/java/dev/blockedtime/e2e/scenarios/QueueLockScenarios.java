package dev.blockedtime.e2e.scenarios;

import java.lang.reflect.Field;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Waits for a queue's own lock. A helper thread holds the queue's internal lock (reached by
 * reflection: the JVM runs with {@code java.util.concurrent} opened) for {@link #HOLD_MS} while the
 * case's operation runs, so the operation waits for the lock first, and in some cases for space
 * afterwards. Each case builds its queue in its own method, which names it.
 */
public final class QueueLockScenarios {
  static final long HOLD_MS = 150;

  public static void main(String[] args) throws Exception {
    lockThenSpace();
    lockOnlyTake();
    lockOnlyOffer();
    dequeLockThenSpace();
    dequeLockOnlyPutFirst();
    System.out.println("DONE");
  }

  /** A full queue: put waits for the lock, then for space; one {@code put} wait, state full. */
  static void lockThenSpace() throws Exception {
    putWaitingForLockThenSpace(new ArrayBlockingQueue<>(1), ArrayBlockingQueue.class);
  }

  static void putWaitingForLockThenSpace(BlockingQueue<String> queue, Class<?> type)
      throws Exception {
    queue.put("first");
    Thread holder = holdLock(queue, type);
    Thread consumer = QueueScenarios.later(HOLD_MS + 250, queue::take);
    queue.put("second");
    holder.join();
    consumer.join();
  }

  /** An element is there: take waits only for the lock; one {@code take} wait, contended. */
  static void lockOnlyTake() throws Exception {
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    queue.put("ready");
    Thread holder = holdLock(queue, ArrayBlockingQueue.class);
    queue.take();
    holder.join();
  }

  /** A non-blocking method under contention: a wait of its own, operation unknown. */
  static void lockOnlyOffer() throws Exception {
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    Thread holder = holdLock(queue, ArrayBlockingQueue.class);
    if (!queue.offer("x")) {
      throw new AssertionError("there was room");
    }
    holder.join();
  }

  /** The deque takes its lock with lock() in put (= putLast): still one {@code put} wait. */
  static void dequeLockThenSpace() throws Exception {
    putWaitingForLockThenSpace(new LinkedBlockingDeque<>(1), LinkedBlockingDeque.class);
  }

  static void dequeLockOnlyPutFirst() throws Exception {
    LinkedBlockingDeque<String> deque = new LinkedBlockingDeque<>(2);
    Thread holder = holdLock(deque, LinkedBlockingDeque.class);
    deque.putFirst("x");
    holder.join();
  }

  /** Holds {@code queue}'s lock on another thread for {@link #HOLD_MS}; returns once it is held. */
  static Thread holdLock(Object queue, Class<?> type) throws Exception {
    Field field = type.getDeclaredField("lock");
    field.setAccessible(true);
    return LockScenarios.holdFor((ReentrantLock) field.get(queue), HOLD_MS);
  }
}
