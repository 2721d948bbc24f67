package dev.blockedtime.e2e.scenarios.safety;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Builds short-lived queues and short-lived locks and synchronizers, every type in turn, each type
 * from its own line; every 1000th of them waits once (a timed call that times out after 1 ms).
 * Measures the live heap (after full GCs) before and after, and how long it took; prints {@code
 * RESULT churn ...}.
 */
final class Churn {
  static final int WAIT_EVERY = 1000;
  static final int QUEUE_TYPES = 7;
  static final int LOCK_TYPES = 8;

  private Churn() {}

  /** {@code count} queues and {@code count} locks, after a warm-up of the same code paths. */
  static void run(int count) throws InterruptedException {
    churn(20_000); // classes loaded, series and stacks known, JIT warm
    long before = Safety.usedHeapAfterGc();
    long start = System.nanoTime();
    int waits = churn(count);
    long elapsedNanos = System.nanoTime() - start;
    // The registry sheds what the GC cleared at its next write or gauge collection (every 250 ms
    // here), as in a running service: let one happen after the GC that cleared them.
    Safety.usedHeapAfterGc();
    Thread.sleep(1_000);
    long after = Safety.usedHeapAfterGc();
    // One more registration lets the registry drop the entries the last GC cleared.
    BlockingQueue<Object> oneMore = queue(0);
    long afterOneMore = Safety.usedHeapAfterGc();
    Safety.result(
        "churn",
        "resources", 2L * count,
        "waits", waits,
        "seconds", String.format(java.util.Locale.ROOT, "%.2f", elapsedNanos / 1e9),
        "microsPerResource",
        String.format(java.util.Locale.ROOT, "%.2f", elapsedNanos / 1e3 / (2.0 * count)),
        "heapBeforeMb", Safety.mb(before),
        "heapAfterMb", Safety.mb(after),
        "heapAfterOneMoreMb", Safety.mb(afterOneMore),
        "growthMb", Safety.mb(after - before),
        "growthAfterOneMoreMb", Safety.mb(afterOneMore - before),
        "oneMoreSize", oneMore.size());
  }

  /** Builds {@code count} queues and {@code count} locks; returns how many waits it made. */
  static int churn(int count) throws InterruptedException {
    int waits = 0;
    for (int i = 0; i < count; i++) {
      BlockingQueue<Object> q = queue(i);
      if (i % WAIT_EVERY == 0) {
        if (q.poll(1, TimeUnit.MILLISECONDS) != null) {
          throw new AssertionError("a fresh queue is empty");
        }
        waits++;
      }
      Object lock = lock(i);
      if (i % WAIT_EVERY == 0) {
        waitOnce(lock);
        waits++;
      }
    }
    return waits;
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // a DelayQueue holds Delayed elements; none here
  static BlockingQueue<Object> queue(int i) {
    switch (i % QUEUE_TYPES) {
      case 0:
        return new ArrayBlockingQueue<>(4);
      case 1:
        return new LinkedBlockingQueue<>();
      case 2:
        return new LinkedBlockingDeque<>();
      case 3:
        return new PriorityBlockingQueue<>();
      case 4:
        return new SynchronousQueue<>();
      case 5:
        return new LinkedTransferQueue<>();
      default:
        return (BlockingQueue) new DelayQueue<>();
    }
  }

  static Object lock(int i) {
    switch (i % LOCK_TYPES) {
      case 0:
        return new ReentrantLock();
      case 1:
        return new ReentrantReadWriteLock();
      case 2:
        return new StampedLock();
      case 3:
        return new Semaphore(0);
      case 4:
        return new CountDownLatch(1);
      case 5:
        return new CyclicBarrier(2);
      case 6:
        return new Phaser(2);
      default:
        ReentrantLock fair = new ReentrantLock(true);
        return new LockAndCondition(fair, fair.newCondition());
    }
  }

  /** A timed wait on a fresh resource that cannot succeed, so it times out after 1 ms. */
  static void waitOnce(Object lock) throws InterruptedException {
    if (lock instanceof ReentrantLock) {
      ReentrantLock l = (ReentrantLock) lock;
      l.lock();
      try {
        l.newCondition().awaitNanos(1_000_000);
      } finally {
        l.unlock();
      }
    } else if (lock instanceof ReentrantReadWriteLock) {
      ReentrantReadWriteLock rw = (ReentrantReadWriteLock) lock;
      rw.readLock().lock(); // a read lock cannot be upgraded: the write lock waits
      try {
        rw.writeLock().tryLock(1, TimeUnit.MILLISECONDS);
      } finally {
        rw.readLock().unlock();
      }
    } else if (lock instanceof StampedLock) {
      StampedLock s = (StampedLock) lock;
      long stamp = s.writeLock(); // not reentrant: the read lock waits
      try {
        s.tryReadLock(1, TimeUnit.MILLISECONDS);
      } finally {
        s.unlockWrite(stamp);
      }
    } else if (lock instanceof Semaphore) {
      ((Semaphore) lock).tryAcquire(1, TimeUnit.MILLISECONDS);
    } else if (lock instanceof CountDownLatch) {
      ((CountDownLatch) lock).await(1, TimeUnit.MILLISECONDS);
    } else if (lock instanceof CyclicBarrier) {
      try {
        ((CyclicBarrier) lock).await(1, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.BrokenBarrierException e) {
        // the other party never comes
      }
    } else if (lock instanceof Phaser) {
      Phaser p = (Phaser) lock;
      try {
        p.awaitAdvanceInterruptibly(p.arrive(), 1, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // the other party never arrives
      }
    } else {
      LockAndCondition lc = (LockAndCondition) lock;
      lc.lock.lock();
      try {
        lc.condition.awaitNanos(1_000_000);
      } finally {
        lc.lock.unlock();
      }
    }
  }

  static final class LockAndCondition {
    final ReentrantLock lock;
    final Condition condition;

    LockAndCondition(ReentrantLock lock, Condition condition) {
      this.lock = lock;
      this.condition = condition;
    }
  }
}
