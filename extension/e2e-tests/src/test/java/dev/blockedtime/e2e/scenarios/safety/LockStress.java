package dev.blockedtime.e2e.scenarios.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.IntPredicate;

/**
 * Eight threads on one lock or synchronizer, for each type the extension instruments. Where the
 * type allows it, thread {@code i} uses variant {@code i % 3}: the blocking call, the timed call
 * with a short timeout retried until it goes through, or the interruptible call, which an
 * interrupter keeps interrupting (and which retries). What the lock protects is checked exactly:
 * plain counters, pairs of fields that must never be seen apart, arrivals per round.
 *
 * <p>As in {@link QueueStress}, the workload is fixed, every worker makes one probe wait at the
 * end (a timed {@code tryLock} on a lock the main thread holds), and each resource is built in
 * its own factory method: {@code jvm.lock.name} is {@code LockStress.<factory>:<line>}.
 */
public final class LockStress {
  public static final int THREADS = 8;
  private static final long TIMEOUT_MS = 30_000;
  private static final long SHORT_TIMEOUT_NANOS = 100_000;
  /** Work inside each critical section, so that the others queue up behind it. */
  private static final int WORK = 40;

  public enum Workload {
    REENTRANT_UNFAIR("reentrantLockUnfair", 200_000),
    REENTRANT_FAIR("reentrantLockFair", 40_000),
    READ_WRITE("reentrantReadWriteLock", 120_000),
    STAMPED("stampedLock", 200_000),
    SEMAPHORE("semaphore", 160_000),
    LATCH("countDownLatches", 3_000),
    BARRIER("cyclicBarrier", 3_000),
    PHASER("phaser", 3_000),
    CONDITION("conditions", 20_000);

    public final String factory;
    /** Iterations (critical sections, rounds, or elements per producer) per thread. */
    final int iterations;

    Workload(String factory, int iterations) {
      this.factory = factory;
      this.iterations = iterations;
    }
  }

  static ReentrantLock reentrantLockUnfair() {
    return new ReentrantLock();
  }

  static ReentrantLock reentrantLockFair() {
    return new ReentrantLock(true);
  }

  static ReentrantReadWriteLock reentrantReadWriteLock() {
    return new ReentrantReadWriteLock();
  }

  static StampedLock stampedLock() {
    return new StampedLock();
  }

  static Semaphore semaphore() {
    return new Semaphore(1);
  }

  static CountDownLatch[] countDownLatches(int rounds) {
    CountDownLatch[] latches = new CountDownLatch[rounds];
    for (int i = 0; i < rounds; i++) {
      latches[i] = new CountDownLatch(THREADS);
    }
    return latches;
  }

  static CyclicBarrier cyclicBarrier(Runnable onTrip) {
    return new CyclicBarrier(THREADS, onTrip);
  }

  static Phaser phaser() {
    return new Phaser(THREADS);
  }

  /** A bounded buffer: its lock, then its two conditions. */
  static Buffer conditions() {
    ReentrantLock lock = new ReentrantLock();
    return new Buffer(lock, lock.newCondition(), lock.newCondition());
  }

  static ReentrantLock probeLock() {
    return new ReentrantLock();
  }

  private final Workload workload;
  private final int iterations;
  private final AtomicInteger violations = new AtomicInteger();
  private final AtomicInteger interruptsSeen = new AtomicInteger();
  private final AtomicInteger timeoutsSeen = new AtomicInteger();
  private final AtomicInteger probes = new AtomicInteger();
  /** Workers that finished their iterations (consumers of the buffer: once given their end). */
  private final AtomicInteger finished = new AtomicInteger();
  private final CountDownLatch probeGate = new CountDownLatch(1);
  private final ReentrantLock probe = probeLock();
  // Guarded by the workload's lock; read after every thread has been joined.
  private long counter;
  private long left;
  private long right;
  private volatile long sink;

  private LockStress(Workload workload) {
    this.workload = workload;
    this.iterations = workload.iterations;
  }

  static void run(Workload workload, boolean virtual) throws Exception {
    new LockStress(workload).run(virtual);
  }

  private void run(boolean virtual) throws Exception {
    String label = workload.name().toLowerCase(Locale.ROOT);
    ThreadFactory factory = Safety.threads("l-" + label, virtual);
    long start = System.nanoTime();
    long deadline = Safety.deadline(TIMEOUT_MS);
    Checked checked;
    switch (workload) {
      case REENTRANT_UNFAIR:
        checked = mutex(reentrantLockUnfair());
        break;
      case REENTRANT_FAIR:
        checked = mutex(reentrantLockFair());
        break;
      case READ_WRITE:
        checked = readWrite(reentrantReadWriteLock());
        break;
      case STAMPED:
        checked = stamped(stampedLock());
        break;
      case SEMAPHORE:
        checked = semaphore(semaphore());
        break;
      case LATCH:
        checked = latches(countDownLatches(iterations));
        break;
      case BARRIER:
        checked = barrier();
        break;
      case PHASER:
        checked = phaser(phaser());
        break;
      default:
        checked = conditions(conditions());
    }
    List<Thread> workers = Safety.start(factory, THREADS, i -> {
      checked.work.run(i);
      afterRun();
    });
    QueueStress.Interrupter interrupter = null;
    if (checked.interrupted != null) {
      List<Thread> targets = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        if (checked.interrupted.test(i)) {
          targets.add(workers.get(i));
        }
      }
      interrupter = new QueueStress.Interrupter(targets);
      interrupter.start();
    }
    checked.awaitDone.await(deadline);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    if (interrupter != null) {
      interrupter.finish();
    }
    probe.lock(); // every worker's probe tryLock times out
    try {
      probeGate.countDown();
      int stuck = Safety.joinAll(workers, Math.max(deadline, Safety.deadline(5_000)));
      Safety.result(
          "lock",
          "workload", label,
          "threads", virtual ? "virtual" : "platform",
          "expected", checked.expected,
          "actual", checked.actual.getAsLong(),
          "violations", violations.get(),
          "stuck", stuck,
          "probes", probes.get(),
          "interrupts", interruptsSeen.get(),
          "timeouts", timeoutsSeen.get(),
          "ms", elapsedMs);
    } finally {
      probe.unlock();
    }
  }

  /** What a workload does per thread, the count it must reach, and the count it did reach. */
  private static final class Checked {
    final Safety.IndexedTask work;
    final long expected;
    final java.util.function.LongSupplier actual;
    /** Which workers the interrupter targets; null: none. */
    final IntPredicate interrupted;
    final Await awaitDone;

    Checked(Safety.IndexedTask work, long expected, java.util.function.LongSupplier actual,
        IntPredicate interrupted, Await awaitDone) {
      this.work = work;
      this.expected = expected;
      this.actual = actual;
      this.interrupted = interrupted;
      this.awaitDone = awaitDone;
    }
  }

  /** Variant 2 of {@code i % 3} is the interruptible call. */
  private static boolean interruptibleVariant(int i) {
    return i % 3 == 2;
  }

  interface Await {
    void await(long deadlineNanos) throws InterruptedException;
  }

  interface Attempt {
    /** One try; true when it went through. Throws when interrupted. */
    boolean tryOnce() throws InterruptedException;
  }

  /** Retries {@code attempt} until it goes through, counting interrupts and timeouts. */
  private void untilDone(Attempt attempt) {
    while (true) {
      try {
        if (attempt.tryOnce()) {
          return;
        }
        timeoutsSeen.incrementAndGet();
      } catch (InterruptedException e) {
        interruptsSeen.incrementAndGet();
      }
    }
  }

  private void work() {
    long x = sink;
    for (int k = 0; k < WORK; k++) {
      x = x * 31 + k;
    }
    sink = x;
  }

  /** Done when every worker has finished its iterations (before the probe). */
  private Await allFinished() {
    return deadline -> {
      while (finished.get() < THREADS && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    };
  }

  // ---------------------------------------------------------------- workloads

  private Checked mutex(ReentrantLock lock) {
    return new Checked(i -> {
      for (int n = 0; n < iterations; n++) {
        switch (i % 3) {
          case 0:
            lock.lock();
            break;
          case 1:
            untilDone(() -> lock.tryLock(SHORT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS));
            break;
          default:
            untilDone(() -> {
              lock.lockInterruptibly();
              return true;
            });
        }
        try {
          counter++;
          work();
        } finally {
          lock.unlock();
        }
      }
      finished.incrementAndGet();
    }, (long) THREADS * iterations, () -> counter, LockStress::interruptibleVariant, allFinished());
  }

  /** Half writers (left++, work, right++), half readers that must never see left != right. */
  private Checked readWrite(ReentrantReadWriteLock rw) {
    return new Checked(i -> {
      boolean writer = i < THREADS / 2;
      java.util.concurrent.locks.Lock lock = writer ? rw.writeLock() : rw.readLock();
      for (int n = 0; n < iterations; n++) {
        switch (i % 3) {
          case 0:
            lock.lock();
            break;
          case 1:
            untilDone(() -> lock.tryLock(SHORT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS));
            break;
          default:
            untilDone(() -> {
              lock.lockInterruptibly();
              return true;
            });
        }
        try {
          pairStep(writer);
        } finally {
          lock.unlock();
        }
      }
      finished.incrementAndGet();
    }, (long) (THREADS / 2) * iterations, () -> counter, LockStress::interruptibleVariant, allFinished());
  }

  private void pairStep(boolean writer) {
    if (writer) {
      left++;
      work();
      right++;
      counter++;
    } else {
      if (left != right) {
        violations.incrementAndGet();
      }
      work();
    }
  }

  private Checked stamped(StampedLock lock) {
    return new Checked(i -> {
      boolean writer = i < THREADS / 2;
      for (int n = 0; n < iterations; n++) {
        long[] stamp = new long[1];
        switch (i % 3) {
          case 0:
            stamp[0] = writer ? lock.writeLock() : lock.readLock();
            break;
          case 1:
            untilDone(() -> {
              stamp[0] = writer
                  ? lock.tryWriteLock(SHORT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)
                  : lock.tryReadLock(SHORT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
              return stamp[0] != 0;
            });
            break;
          default:
            untilDone(() -> {
              stamp[0] = writer ? lock.writeLockInterruptibly() : lock.readLockInterruptibly();
              return true;
            });
        }
        try {
          pairStep(writer);
        } finally {
          lock.unlock(stamp[0]);
        }
      }
      finished.incrementAndGet();
    }, (long) (THREADS / 2) * iterations, () -> counter, LockStress::interruptibleVariant, allFinished());
  }

  private Checked semaphore(Semaphore permit) {
    return new Checked(i -> {
      for (int n = 0; n < iterations; n++) {
        switch (i % 3) {
          case 0:
            permit.acquireUninterruptibly();
            break;
          case 1:
            untilDone(() -> permit.tryAcquire(SHORT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS));
            break;
          default:
            untilDone(() -> {
              permit.acquire();
              return true;
            });
        }
        try {
          counter++;
          work();
        } finally {
          permit.release();
        }
      }
      finished.incrementAndGet();
    }, (long) THREADS * iterations, () -> counter, LockStress::interruptibleVariant, allFinished());
  }

  /** Rounds: every thread counts down round r's latch and waits for all the others. */
  private Checked latches(CountDownLatch[] latches) {
    AtomicIntegerArray arrivals = new AtomicIntegerArray(latches.length);
    AtomicLong passed = new AtomicLong();
    return new Checked(i -> {
      for (int r = 0; r < latches.length; r++) {
        CountDownLatch latch = latches[r];
        arrivals.incrementAndGet(r);
        latch.countDown();
        switch (i % 3) {
          case 0:
            awaitUninterruptibly(latch);
            break;
          case 1:
            untilDone(() -> latch.await(SHORT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS));
            break;
          default:
            untilDone(() -> {
              latch.await();
              return true;
            });
        }
        if (arrivals.get(r) != THREADS) {
          violations.incrementAndGet(); // passed the latch before every party counted down
        }
        passed.incrementAndGet();
      }
      finished.incrementAndGet();
    }, (long) THREADS * latches.length, passed::get, LockStress::interruptibleVariant, allFinished());
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Rounds through one barrier. An interrupt or a timeout breaks a barrier for every party, so
   * there is no interruptible variant, and the timed one waits long enough never to give up.
   */
  private Checked barrier() {
    AtomicInteger arrivedThisRound = new AtomicInteger();
    AtomicLong trips = new AtomicLong();
    CyclicBarrier barrier =
        cyclicBarrier(() -> {
          if (arrivedThisRound.getAndSet(0) != THREADS) {
            violations.incrementAndGet();
          }
          trips.incrementAndGet();
        });
    return new Checked(i -> {
      for (int r = 0; r < iterations; r++) {
        arrivedThisRound.incrementAndGet();
        try {
          if (i % 2 == 0) {
            barrier.await();
          } else {
            barrier.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
          }
        } catch (BrokenBarrierException | TimeoutException e) {
          violations.incrementAndGet();
          break;
        }
      }
      finished.incrementAndGet();
    }, iterations, trips::get, null, allFinished());
  }

  /** Rounds: each party arrives, then waits for the phase to advance, and checks it did. */
  private Checked phaser(Phaser phaser) {
    AtomicIntegerArray arrivals = new AtomicIntegerArray(iterations);
    AtomicLong passed = new AtomicLong();
    return new Checked(i -> {
      for (int r = 0; r < iterations; r++) {
        arrivals.incrementAndGet(r);
        int next;
        switch (i % 3) {
          case 0:
            next = phaser.arriveAndAwaitAdvance(); // the phase it advanced to
            break;
          case 1:
            int phase = phaser.arrive();
            next = awaitAdvanceTimed(phaser, phase);
            break;
          default:
            next = phaser.awaitAdvance(phaser.arrive());
        }
        if (arrivals.get(r) != THREADS || next != r + 1) {
          violations.incrementAndGet();
        }
        passed.incrementAndGet();
      }
      finished.incrementAndGet();
    }, (long) THREADS * iterations, passed::get, null, allFinished());
  }

  /** Short timeouts, retried: the party has arrived, it only waits again for the same phase. */
  private int awaitAdvanceTimed(Phaser phaser, int phase) {
    while (true) {
      try {
        return phaser.awaitAdvanceInterruptibly(phase, SHORT_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        timeoutsSeen.incrementAndGet();
      } catch (InterruptedException e) {
        interruptsSeen.incrementAndGet();
      }
    }
  }

  /** The classic bounded buffer: a lock and two conditions, four producers, four consumers. */
  static final class Buffer {
    final ReentrantLock lock;
    final Condition notFull;
    final Condition notEmpty;
    final int[] items = new int[8];
    int head;
    int count;

    Buffer(ReentrantLock lock, Condition notFull, Condition notEmpty) {
      this.lock = lock;
      this.notFull = notFull;
      this.notEmpty = notEmpty;
    }
  }

  private Checked conditions(Buffer b) {
    int producers = THREADS / 2;
    long total = (long) producers * iterations;
    AtomicLong consumedSum = new AtomicLong();
    AtomicLong consumed = new AtomicLong();
    AtomicIntegerArray seen = new AtomicIntegerArray((int) total);
    return new Checked(i -> {
      boolean producer = i < producers;
      if (producer) {
        for (int n = 0; n < iterations; n++) {
          put(b, i * iterations + n, i % 4);
        }
        finished.incrementAndGet();
      } else {
        while (true) {
          int item = take(b, i % 4);
          if (item < 0) {
            break;
          }
          if (seen.getAndIncrement(item) != 0) {
            violations.incrementAndGet();
          }
          consumedSum.addAndGet(item);
          consumed.incrementAndGet();
        }
      }
    }, total * (total - 1) / 2, consumedSum::get, i -> i % 4 == 0 || i % 4 == 3, deadline -> {
      while (finished.get() < producers && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      while (consumed.get() < total && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      for (int c = producers; c < THREADS; c++) {
        putEndMarker(b, deadline);
      }
      finished.addAndGet(THREADS - producers);
    });
  }

  /**
   * Variant 0 {@code await} (interrupted now and then), 1 {@code awaitNanos} with short
   * timeouts, 2 {@code awaitUninterruptibly}, 3 {@code awaitUntil} a near deadline.
   */
  private void put(Buffer b, int item, int variant) {
    untilDone(() -> {
      b.lock.lock();
      try {
        while (b.count == b.items.length) {
          if (!awaitOnce(b.notFull, variant)) {
            return false;
          }
        }
        b.items[(b.head + b.count) % b.items.length] = item;
        b.count++;
        b.notEmpty.signal();
        return true;
      } finally {
        b.lock.unlock();
      }
    });
  }

  /** One end marker for one consumer; gives up at the deadline (consumers stuck: reported). */
  private static void putEndMarker(Buffer b, long deadline) throws InterruptedException {
    b.lock.lock();
    try {
      while (b.count == b.items.length) {
        if (System.nanoTime() > deadline) {
          return;
        }
        b.notFull.awaitNanos(1_000_000);
      }
      b.items[(b.head + b.count) % b.items.length] = -1;
      b.count++;
      b.notEmpty.signal();
    } finally {
      b.lock.unlock();
    }
  }

  private int take(Buffer b, int variant) {
    int[] taken = new int[1];
    untilDone(() -> {
      b.lock.lock();
      try {
        while (b.count == 0) {
          if (!awaitOnce(b.notEmpty, variant)) {
            return false;
          }
        }
        taken[0] = b.items[b.head];
        b.head = (b.head + 1) % b.items.length;
        b.count--;
        b.notFull.signal();
        return true;
      } finally {
        b.lock.unlock();
      }
    });
    return taken[0];
  }

  /** One condition wait; false when a timed variant gave up. */
  private static boolean awaitOnce(Condition c, int variant) throws InterruptedException {
    switch (variant) {
      case 0:
        c.await();
        return true;
      case 1:
        return c.awaitNanos(SHORT_TIMEOUT_NANOS) > 0;
      case 2:
        c.awaitUninterruptibly();
        return true;
      default:
        return c.awaitUntil(new java.util.Date(System.currentTimeMillis() + 1));
    }
  }

  /** Every worker, once the run is over: one timed tryLock on the lock the main thread holds. */
  private void afterRun() {
    while (true) {
      try {
        probeGate.await();
        break;
      } catch (InterruptedException e) {
        // sent before the interrupter stopped
      }
    }
    Thread.interrupted();
    try {
      if (!probe.tryLock(2, TimeUnit.MILLISECONDS)) {
        probes.incrementAndGet();
      } else {
        probe.unlock();
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException("nobody interrupts probes", e);
    }
  }
}
