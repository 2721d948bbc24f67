package dev.blockedtime.bootstrap;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import jdk.internal.vm.annotation.DontInline;

/**
 * Calls that replace, inside the blocking methods of the queues, the one call that can park. The
 * instrumentation substitutes them at the call site and passes the queue and the method's name
 * as constants, so that a method which never reaches that call (it did not wait) pays nothing,
 * and one that does is named exactly, without a look at the stack.
 *
 * <p>Each does what the call it replaces does, no more: the marking around it cannot throw.
 *
 * <p>The calls reached only when the thread is about to wait are not inlined: C2 inlined {@link
 * #dualNodeBlocker}, with the lookup of the queue's name, into {@code SynchronousQueue}'s {@code
 * xferLifo}, whose handoffs mostly never reach it (a 10.8 KB method instead of 4.7 KB, in one
 * run of three of {@code benchmarks/churn-compilation.sh}). A call costs nothing next to the park
 * that follows it.
 */
public final class WaitCalls {
  private WaitCalls() {}

  /** {@code notFull.await()} / {@code notEmpty.await()} in {@code put}, {@code take}, ... */
  @DontInline
  public static void await(Condition condition, Object queue, String method)
      throws InterruptedException {
    ThreadState s = BlockedTime.opEnter(queue, method);
    try {
      condition.await();
    } finally {
      if (s != null) {
        BlockedTime.opLeave(s);
      }
    }
  }

  /** {@code notFull.awaitNanos(n)} / {@code notEmpty.awaitNanos(n)} in the timed variants. */
  @DontInline
  public static long awaitNanos(Condition condition, long nanos, Object queue, String method)
      throws InterruptedException {
    ThreadState s = BlockedTime.opEnter(queue, method);
    try {
      return condition.awaitNanos(nanos);
    } finally {
      if (s != null) {
        BlockedTime.opLeave(s);
      }
    }
  }

  /**
   * {@code lock.lock()} in {@code LinkedBlockingDeque}'s untimed blocking methods. The deque's
   * lock is never fair, so a failed {@code tryLock()} followed by {@code lock()} is what {@code
   * lock()} itself does: one barging attempt, then the queue.
   */
  public static void lock(ReentrantLock lock) {
    if (!lock.tryLock()) {
      BlockedTime.lockForOperation(lock);
    }
  }

  /**
   * {@code LockSupport.setCurrentBlocker(transferer)} before JDK 17's {@code SynchronousQueue}
   * parks untimed: a {@code put} when it holds an element, else a {@code take}.
   */
  @DontInline
  public static void setCurrentBlocker(Object blocker, Object element) {
    if (blocker == null) {
      LockSupport.setCurrentBlocker(null);
      return;
    }
    ThreadState s = BlockedTime.opEnter(blocker, element != null ? "put" : "take");
    try {
      LockSupport.setCurrentBlocker(blocker);
    } finally {
      if (s != null) {
        BlockedTime.opLeave(s);
      }
    }
  }

  /** {@code LockSupport.parkNanos(transferer, n)} of JDK 17's timed {@code offer} and {@code poll}. */
  @DontInline
  public static void parkNanos(Object blocker, long nanos, Object element) {
    ThreadState s = BlockedTime.opEnter(blocker, element != null ? "offer" : "poll");
    try {
      LockSupport.parkNanos(blocker, nanos);
    } finally {
      if (s != null) {
        BlockedTime.opLeave(s);
      }
    }
  }

  /**
   * {@code LockSupport.setCurrentBlocker(blocker)} in JDK 25's {@code
   * LinkedTransferQueue.DualNode.await(e, ns, blocker, spin)}, where both rendezvous queues wait
   * for a partner: called once the spin is over and the thread is about to park, and with null
   * after its parks. Most calls of {@code await} find their partner while they spin and never get
   * here, so they pay nothing. Marks the operation around the blocker's announcement only, which
   * opens the wait under its name ({@link BlockedTime#currentBlocker}), as {@link
   * #setCurrentBlocker} does for JDK 17's {@code SynchronousQueue}.
   */
  @DontInline
  public static void dualNodeBlocker(Object blocker, Object element, long nanos) {
    ThreadState s = null;
    if (blocker != null) {
      try {
        s = transferWait(blocker, element != null, nanos != Long.MAX_VALUE);
      } catch (Throwable t) {
        s = null; // never into the queue: the wait goes unrecorded
      }
    }
    try {
      LockSupport.setCurrentBlocker(blocker);
    } finally {
      if (s != null) {
        BlockedTime.opLeave(s);
      }
    }
  }

  /**
   * The rendezvous queue's operation that is about to wait for a partner, marked by the queue
   * type, whether the thread brings an element and whether it is timed; the caller calls {@link
   * BlockedTime#opLeave} after the call it marks. From {@link #dualNodeBlocker} on JDK 25, and from
   * the entry of {@code LinkedTransferQueue.awaitMatch} on JDK 17 (reached only when no partner
   * was there), whose exit leaves it.
   */
  public static ThreadState transferWait(Object blocker, boolean data, boolean timed) {
    Registration r = Resources.lookup(blocker);
    if (r == null) {
      return null;
    }
    String method;
    if (r.name.type.equals("SynchronousQueue")) {
      method = data ? (timed ? "offer" : "put") : (timed ? "poll" : "take");
    } else {
      method = data ? (timed ? "tryTransfer" : "transfer") : (timed ? "poll" : "take");
    }
    return BlockedTime.opEnter(blocker, method);
  }
}
