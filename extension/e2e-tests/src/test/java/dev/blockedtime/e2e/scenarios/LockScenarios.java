package dev.blockedtime.e2e.scenarios;

import static dev.blockedtime.e2e.scenarios.QueueScenarios.later;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Every lock case of the end-to-end suite, one after another in one JVM; each case builds its
 * lock in its own method so the test tells them apart by {@code jvm.lock.name}.
 */
public final class LockScenarios {
  static final long HOLD_MS = 200;

  public static void main(String[] args) throws Exception {
    lockHeldByAnotherThread();
    lockInSpan();
    fairLockInterruptibly();
    tryLockGivesUp();
    readLockBehindWriter();
    stampedLock();
    semaphore();
    latch();
    barrier();
    phaser();
    condition();
    queueContentionIsNotALock();
    uncontended();
    System.out.println("DONE");
  }

  /** Holds {@code lock} on another thread for {@code ms}; returns once it is held. */
  static Thread holdFor(java.util.concurrent.locks.Lock lock, long ms) throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              lock.lock();
              try {
                held.countDown();
                Thread.sleep(ms);
              } catch (InterruptedException ignored) {
                // released early
              } finally {
                lock.unlock();
              }
            });
    holder.start();
    held.await();
    return holder;
  }

  static void lockHeldByAnotherThread() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Thread holder = holdFor(lock, HOLD_MS);
    lock.lock();
    lock.unlock();
    holder.join();
  }

  static void lockInSpan() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    // the span first: the first use of the API is slow, and the holder must still hold the lock
    io.opentelemetry.api.trace.Span span =
        io.opentelemetry.api.GlobalOpenTelemetry.getTracer("scenario").spanBuilder("locker").startSpan();
    Thread holder;
    try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
      holder = holdFor(lock, HOLD_MS);
      lock.lock();
      lock.unlock();
    } finally {
      span.end();
    }
    holder.join();
  }

  static void fairLockInterruptibly() throws Exception {
    ReentrantLock lock = new ReentrantLock(true);
    Thread holder = holdFor(lock, HOLD_MS);
    lock.lockInterruptibly();
    lock.unlock();
    holder.join();
    // and one interrupted while waiting
    Thread holder2 = holdFor(lock, 2000);
    Thread waiter =
        new Thread(
            () -> {
              try {
                lock.lockInterruptibly();
                lock.unlock();
              } catch (InterruptedException expected) {
                // the wait ends interrupted
              }
            });
    waiter.start();
    Thread.sleep(150);
    waiter.interrupt();
    waiter.join();
    holder2.interrupt();
    holder2.join();
  }

  static void tryLockGivesUp() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Thread holder = holdFor(lock, 400);
    if (lock.tryLock(100, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the lock is held");
    }
    holder.join();
  }

  static void readLockBehindWriter() throws Exception {
    ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    Thread writer = holdFor(rw.writeLock(), HOLD_MS);
    rw.readLock().lock(); // a reader waits behind the writer
    rw.readLock().unlock();
    writer.join();
    Thread reader = holdFor(rw.readLock(), HOLD_MS);
    rw.writeLock().lock(); // a writer waits behind the reader
    rw.writeLock().unlock();
    reader.join();
  }

  static void stampedLock() throws Exception {
    StampedLock lock = new StampedLock();
    Thread writer = holdFor(lock.asWriteLock(), HOLD_MS);
    long stamp = lock.readLock();
    lock.unlockRead(stamp);
    writer.join();
    Thread reader = holdFor(lock.asReadLock(), 400);
    if (lock.tryWriteLock(100, TimeUnit.MILLISECONDS) != 0) {
      throw new AssertionError("the read lock is held");
    }
    reader.join();
  }

  static void semaphore() throws Exception {
    Semaphore permits = new Semaphore(0);
    later(HOLD_MS, () -> permits.release(2));
    permits.acquire(2);
    if (permits.tryAcquire(1, 100, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("no permits");
    }
    later(HOLD_MS, permits::release);
    permits.acquireUninterruptibly();
  }

  static void latch() throws Exception {
    CountDownLatch latch = new CountDownLatch(1);
    later(HOLD_MS, latch::countDown);
    latch.await();
    CountDownLatch never = new CountDownLatch(1);
    if (never.await(100, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("never counted down");
    }
  }

  static void barrier() throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(2);
    later(HOLD_MS, barrier::await); // the second party arrives late and does not wait
    barrier.await();
  }

  static void phaser() throws Exception {
    Phaser phaser = new Phaser(2);
    later(HOLD_MS, phaser::arriveAndDeregister);
    phaser.arriveAndAwaitAdvance();
  }

  /** Signals {@code condition} of {@code lock} from a new thread after {@code ms}. */
  static Thread signalLater(ReentrantLock lock, Condition condition, long ms) {
    return later(
        ms,
        () -> {
          lock.lock();
          try {
            condition.signal();
          } finally {
            lock.unlock();
          }
        });
  }

  static void condition() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Condition ready = lock.newCondition();
    signalLater(lock, ready, HOLD_MS);
    lock.lock();
    try {
      ready.await();
      if (ready.awaitNanos(TimeUnit.MILLISECONDS.toNanos(100)) > 0) {
        throw new AssertionError("nobody signals");
      }
    } finally {
      lock.unlock();
    }
  }

  /** Heavy contention on one queue's internal lock: queue waits, never a lock series. */
  static void queueContentionIsNotALock() throws Exception {
    ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(64);
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 200_000; i++) {
                  queue.offer(i);
                  queue.poll();
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  static void uncontended() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Semaphore semaphore = new Semaphore(1);
    ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    Object monitor = new Object();
    long n = 0;
    for (int i = 0; i < 1_000_000; i++) {
      lock.lock();
      lock.unlock();
      semaphore.acquire();
      semaphore.release();
      rw.readLock().lock();
      rw.readLock().unlock();
      synchronized (monitor) {
        n++;
      }
    }
    if (n != 1_000_000) {
      throw new AssertionError();
    }
  }
}
