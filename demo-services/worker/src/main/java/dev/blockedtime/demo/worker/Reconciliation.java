package dev.blockedtime.demo.worker;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reconciliation job with a lock-ordering bug: one thread takes the ledger lock, then the audit
 * lock; the other takes them in the opposite order. Each {@link #start()} runs the job once, and
 * its two threads deadlock for good: each holds the lock the other waits for. Nothing in the
 * request path uses these locks, so the worker keeps serving while the cycle is there to be found.
 *
 * <p>The threads are daemons, so the deadlock never keeps the JVM from exiting. The locks keep
 * their allocation sites as names (this class's {@code start} lines), to show what the extension
 * calls a resource nobody gave an alias.
 */
final class Reconciliation {
  private final AtomicInteger runs = new AtomicInteger();

  /** Starts one run; returns the names of the two threads that are about to deadlock. */
  String[] start() {
    int run = runs.incrementAndGet();
    ReentrantLock ledger = new ReentrantLock();
    ReentrantLock audit = new ReentrantLock();
    // Both threads hold their first lock before either asks for its second: a sure deadlock.
    CountDownLatch bothHoldOne = new CountDownLatch(2);
    Thread a = daemon("reconcile-ledger-" + run, () -> lockBoth(ledger, audit, bothHoldOne));
    Thread b = daemon("reconcile-audit-" + run, () -> lockBoth(audit, ledger, bothHoldOne));
    a.start();
    b.start();
    return new String[] {a.getName(), b.getName()};
  }

  int runs() {
    return runs.get();
  }

  private static void lockBoth(ReentrantLock first, ReentrantLock second, CountDownLatch bothHoldOne) {
    first.lock();
    try {
      bothHoldOne.countDown();
      bothHoldOne.await();
      second.lock(); // never returns: the other thread holds `second` and waits for `first`
      second.unlock();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      first.unlock();
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }
}
