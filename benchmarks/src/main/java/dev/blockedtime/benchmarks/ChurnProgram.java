package dev.blockedtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
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
 * A whole program, timed from outside JMH ({@code benchmarks/churn.sh} runs it under the agent
 * alone and with the extension, alternating): 8 producers and 8 consumers on every queue type, 8
 * threads on every lock type, and a churn of short-lived queues and locks, every type, each from
 * its own line, each used once. Checks that every result is exact, and prints the wall time and
 * the live heap before and after the churn.
 *
 * <p>Arguments: items per producer (default 1,000,000), increments per lock thread (default
 * 5,000,000), resources churned (default 1,000,000 queues and as many locks), and the queue types
 * to run (indexes into {@link #GROUPS}, comma-separated; default all seven). Besides its {@code
 * RESULT} line it prints a {@code PARTS} line: when each group's last thread ended, in seconds
 * after the start, which tells which part the run waited for. The defaults make a
 * program of about 40 seconds under the agent alone on 2 CPUs, the scale of issue #10's (59 s): at
 * a fiftieth of that (20,000 items, 100,000 increments) the run ends within the seconds after
 * start-up in which the JIT still compiles the agent's and the extension's code, and measures
 * mostly that.
 */
public final class ChurnProgram {
  static final int THREADS = 8;

  private ChurnProgram() {}

  public static void main(String[] args) throws Exception {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int increments = args.length > 1 ? Integer.parseInt(args[1]) : 5_000_000;
    int churn = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    // the queue types to run (indexes into GROUPS, comma-separated; default all seven), to look
    // at one part of the program on its own
    String types = "," + (args.length > 3 ? args[3] : "0,1,2,3,4,5,6") + ",";
    if (!types.matches(".*,[0-6],.*")) {
      throw new IllegalArgumentException("no queue type (0-6) among " + types);
    }
    // A thread that dies (an OutOfMemoryError when an unbounded queue's backlog outgrows the heap)
    // would leave its partners waiting for ever: end the run at once, saying why, instead.
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      System.out.println("FAILED churn-program " + t.getName() + ": " + e);
      System.out.flush();
      Runtime.getRuntime().halt(1);
    });

    churn(20_000); // the same code paths, warm
    long heapBefore = usedHeapAfterGc();
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    List<long[]> checks = new ArrayList<>();
    // when each group's last thread ended, in nanoseconds after start: 7 queue types, locks, churn
    long[] ends = new long[GROUPS.length];
    for (int type = 0; type < 7; type++) {
      if (!types.contains("," + type + ",")) {
        continue;
      }
      int group = type;
      BlockingQueue<Object> q = queue(type, 64);
      long[] sums = new long[2 * THREADS];
      checks.add(sums);
      for (int p = 0; p < THREADS; p++) {
        int id = p;
        threads.add(start(GROUPS[group] + "-put-" + id, () -> {
          for (int i = 1; i <= items; i++) {
            q.put(new Item(i));
            sums[id] += i;
          }
          ended(ends, group, start);
        }));
        threads.add(start(GROUPS[group] + "-take-" + id, () -> {
          for (int i = 0; i < items; i++) {
            sums[THREADS + id] += ((Item) q.take()).value;
          }
          ended(ends, group, start);
        }));
      }
    }
    long[] counters = new long[6];
    Object monitor = new Object();
    ReentrantLock lock = new ReentrantLock();
    ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    Semaphore semaphore = new Semaphore(1);
    StampedLock stamped = new StampedLock();
    ReentrantLock fair = new ReentrantLock(true);
    for (int t = 0; t < THREADS; t++) {
      threads.add(start("locks-" + t, () -> {
        for (int i = 0; i < increments; i++) {
          lock.lock();
          try {
            counters[0]++;
          } finally {
            lock.unlock();
          }
          rw.writeLock().lock();
          try {
            counters[1]++;
          } finally {
            rw.writeLock().unlock();
          }
          semaphore.acquire();
          try {
            counters[2]++;
          } finally {
            semaphore.release();
          }
          long stamp = stamped.writeLock();
          try {
            counters[3]++;
          } finally {
            stamped.unlockWrite(stamp);
          }
          synchronized (monitor) {
            counters[4]++;
          }
          if (i % 10 == 0) {
            fair.lock();
            try {
              counters[5]++;
            } finally {
              fair.unlock();
            }
          }
        }
        ended(ends, 7, start);
      }));
    }
    int churned = churn(churn);
    ended(ends, 8, start);
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - start;
    long cpu = processCpuNanos() - cpuStart;
    long heapAfter = usedHeapAfterGc();

    long expectedSum = (long) items * (items + 1) / 2 * THREADS;
    for (long[] sums : checks) {
      long produced = 0;
      long consumed = 0;
      for (int i = 0; i < THREADS; i++) {
        produced += sums[i];
        consumed += sums[THREADS + i];
      }
      if (produced != expectedSum || consumed != expectedSum) {
        throw new AssertionError("queue results: produced " + produced + ", consumed " + consumed);
      }
    }
    for (int i = 0; i < 5; i++) {
      if (counters[i] != (long) THREADS * increments) {
        throw new AssertionError("lock " + i + " counted " + counters[i]);
      }
    }
    if (counters[5] != (long) THREADS * ((increments + 9) / 10) || churned != 2 * churn) {
      throw new AssertionError("fair lock or churn miscounted");
    }
    System.out.printf(
        java.util.Locale.ROOT,
        "RESULT churn-program seconds=%.3f cpuSeconds=%.3f exact=true heapBeforeMb=%.1f heapAfterMb=%.1f%n",
        elapsed / 1e9,
        cpu / 1e9,
        heapBefore / 1048576.0,
        heapAfter / 1048576.0);
    StringBuilder parts = new StringBuilder("PARTS churn-program");
    for (int g = 0; g < GROUPS.length; g++) {
      parts.append(String.format(java.util.Locale.ROOT, " %s=%.3f", GROUPS[g], ends[g] / 1e9));
    }
    System.out.println(parts);
  }

  /** The groups whose end {@link #ended} records, in the order of the PARTS line. */
  static final String[] GROUPS = {"abq", "lbq", "lbd", "pbq", "sq", "ltq", "dq", "locks", "churn"};

  /** Records that a thread of group {@code g} ended now, if it is the group's last so far. */
  private static void ended(long[] ends, int g, long start) {
    long t = System.nanoTime() - start;
    synchronized (ends) {
      ends[g] = Math.max(ends[g], t);
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  /** Starts a thread named {@code name}: the group first, so that a per-thread view can group them. */
  private static Thread start(String name, Body body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, name);
    t.start();
    return t;
  }

  /** An element every queue type takes, a {@code DelayQueue} included (due at once). */
  static final class Item implements Delayed {
    final int value;

    Item(int value) {
      this.value = value;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed o) {
      return Integer.compare(value, ((Item) o).value);
    }
  }

  /** Builds {@code count} queues and {@code count} locks, each used once; returns how many. */
  static int churn(int count) throws InterruptedException {
    int built = 0;
    for (int i = 0; i < count; i++) {
      BlockingQueue<Object> q = queue(i % 7, 4);
      q.offer(new Item(i));
      if (q.poll() == null && !(q instanceof SynchronousQueue)) {
        throw new AssertionError("lost an element");
      }
      built++;
      use(i % 8);
      built++;
    }
    return built;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static BlockingQueue<Object> queue(int type, int capacity) {
    switch (type) {
      case 0:
        return new ArrayBlockingQueue<>(capacity);
      case 1:
        return new LinkedBlockingQueue<>(capacity);
      case 2:
        return new LinkedBlockingDeque<>(capacity);
      case 3:
        return new PriorityBlockingQueue<>();
      case 4:
        return new SynchronousQueue<>();
      case 5:
        return new LinkedTransferQueue<>();
      default:
        return (BlockingQueue) new DelayQueue<Item>();
    }
  }

  /** Builds a lock of type {@code type} and uses it once, as a request would. */
  static void use(int type) throws InterruptedException {
    switch (type) {
      case 0: {
        ReentrantLock l = new ReentrantLock();
        l.lock();
        l.unlock();
        break;
      }
      case 1: {
        ReentrantReadWriteLock l = new ReentrantReadWriteLock();
        l.readLock().lock();
        l.readLock().unlock();
        break;
      }
      case 2: {
        StampedLock l = new StampedLock();
        l.unlockWrite(l.writeLock());
        break;
      }
      case 3: {
        Semaphore s = new Semaphore(1);
        s.acquire();
        s.release();
        break;
      }
      case 4: {
        CountDownLatch latch = new CountDownLatch(1);
        latch.countDown();
        latch.await();
        break;
      }
      case 5: {
        CyclicBarrier barrier = new CyclicBarrier(1);
        try {
          barrier.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
          throw new AssertionError(e);
        }
        break;
      }
      case 6: {
        Phaser phaser = new Phaser(1);
        phaser.arriveAndDeregister();
        break;
      }
      default: {
        ReentrantLock l = new ReentrantLock();
        Condition c = l.newCondition();
        l.lock();
        c.signal();
        l.unlock();
      }
    }
  }

  /**
   * The CPU time of the whole JVM (every thread: the program's, the JIT's, the agent's), from the
   * OS: whether a difference in wall time is work this JVM did, or waiting for a CPU.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
