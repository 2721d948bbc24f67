package dev.blockedtime.e2e.scenarios;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Builds every covered type once, each on a line that also takes a stack trace, and makes each
 * wait once. Prints {@code EXPECT <type> <site>} with the site a stack trace gives for that line:
 * the name the resource must have, whether the extension learns it from the rewritten call site or
 * (for subclasses) from a stack walk.
 */
public final class NamingScenario {
  static final long WAIT_MS = 20;

  public static void main(String[] args) throws Exception {
    queues();
    locks();
    executors();
    pools();
    subclasses();
    System.out.println("DONE");
  }

  static void expect(String type, StackTraceElement at) {
    System.out.println("EXPECT " + type + " " + at.getClassName() + "." + at.getMethodName() + ":" + at.getLineNumber());
  }

  static final class Never implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(1, TimeUnit.HOURS);
    }

    @Override
    public int compareTo(Delayed o) {
      return 0;
    }
  }

  static void queues() throws Exception {
    StackTraceElement at;
    at = new Throwable().getStackTrace()[0]; ArrayBlockingQueue<Object> abq = new ArrayBlockingQueue<>(1);
    expect("ArrayBlockingQueue", at);
    abq.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    at = new Throwable().getStackTrace()[0]; LinkedBlockingQueue<Object> lbq = new LinkedBlockingQueue<>();
    expect("LinkedBlockingQueue", at);
    lbq.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    at = new Throwable().getStackTrace()[0]; LinkedBlockingDeque<Object> lbd = new LinkedBlockingDeque<>();
    expect("LinkedBlockingDeque", at);
    lbd.pollFirst(WAIT_MS, TimeUnit.MILLISECONDS);
    at = new Throwable().getStackTrace()[0]; PriorityBlockingQueue<String> pbq = new PriorityBlockingQueue<>();
    expect("PriorityBlockingQueue", at);
    pbq.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    at = new Throwable().getStackTrace()[0]; DelayQueue<Never> dq = new DelayQueue<>();
    expect("DelayQueue", at);
    dq.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    at = new Throwable().getStackTrace()[0]; SynchronousQueue<Object> sq = new SynchronousQueue<>();
    expect("SynchronousQueue", at);
    sq.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    at = new Throwable().getStackTrace()[0]; LinkedTransferQueue<Object> ltq = new LinkedTransferQueue<>();
    expect("LinkedTransferQueue", at);
    ltq.poll(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  static void locks() throws Exception {
    StackTraceElement at;
    at = new Throwable().getStackTrace()[0]; ReentrantLock lock = new ReentrantLock();
    expect("ReentrantLock", at);
    Thread holder = LockScenarios.holdFor(lock, 1_000);
    lock.tryLock(WAIT_MS, TimeUnit.MILLISECONDS);
    holder.interrupt();
    holder.join();

    at = new Throwable().getStackTrace()[0]; ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    expect("ReentrantReadWriteLock", at);
    holder = LockScenarios.holdFor(rw.writeLock(), 1_000);
    rw.readLock().tryLock(WAIT_MS, TimeUnit.MILLISECONDS);
    holder.interrupt();
    holder.join();

    at = new Throwable().getStackTrace()[0]; Semaphore semaphore = new Semaphore(0);
    expect("Semaphore", at);
    semaphore.tryAcquire(WAIT_MS, TimeUnit.MILLISECONDS);

    at = new Throwable().getStackTrace()[0]; CountDownLatch latch = new CountDownLatch(1);
    expect("CountDownLatch", at);
    latch.await(WAIT_MS, TimeUnit.MILLISECONDS);

    at = new Throwable().getStackTrace()[0]; StampedLock stamped = new StampedLock();
    expect("StampedLock", at);
    long stamp = stamped.writeLock();
    stamped.tryReadLock(WAIT_MS, TimeUnit.MILLISECONDS);
    stamped.unlockWrite(stamp);

    at = new Throwable().getStackTrace()[0]; CyclicBarrier barrier = new CyclicBarrier(2);
    expect("CyclicBarrier", at);
    try {
      barrier.await(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException expected) {
      // the other party never came
    }

    at = new Throwable().getStackTrace()[0]; Phaser phaser = new Phaser(2);
    expect("Phaser", at);
    try {
      phaser.awaitAdvanceInterruptibly(phaser.arrive(), WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException expected) {
      // the other party never arrived
    }

    ReentrantLock owner = new ReentrantLock();
    at = new Throwable().getStackTrace()[0]; Condition condition = owner.newCondition();
    expect("Condition", at);
    owner.lock();
    try {
      condition.await(WAIT_MS, TimeUnit.MILLISECONDS);
    } finally {
      owner.unlock();
    }
  }

  /** The work queues of what Executors builds: the idle worker waits on it until shutdown. */
  static void executors() throws Exception {
    StackTraceElement at;
    at = new Throwable().getStackTrace()[0]; ExecutorService fixed = Executors.newFixedThreadPool(1);
    expect("LinkedBlockingQueue", at);
    expect("ThreadPoolExecutor", at);
    at = new Throwable().getStackTrace()[0]; ExecutorService single = Executors.newSingleThreadExecutor();
    expect("LinkedBlockingQueue", at);
    expect("ThreadPoolExecutor", at); // the pool inside the JDK's wrapper
    at = new Throwable().getStackTrace()[0]; ExecutorService cached = Executors.newCachedThreadPool();
    expect("SynchronousQueue", at);
    expect("ThreadPoolExecutor", at);
    for (ExecutorService pool : new ExecutorService[] {fixed, single, cached}) {
      pool.submit(() -> {}).get();
    }
    Thread.sleep(100); // the idle workers wait on their queues
    for (ExecutorService pool : new ExecutorService[] {fixed, single, cached}) {
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static final class CountingPool extends ThreadPoolExecutor {
    CountingPool() {
      super(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
    }
  }

  /** Pools whose tasks are timed: named after the line that built them, however it did. */
  static void pools() throws Exception {
    List<ExecutorService> pools = new ArrayList<>();
    StackTraceElement at;
    at = new Throwable().getStackTrace()[0]; pools.add(new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>()));
    expect("ThreadPoolExecutor", at);
    at = new Throwable().getStackTrace()[0]; pools.add(new ScheduledThreadPoolExecutor(1));
    expect("ScheduledThreadPoolExecutor", at);
    at = new Throwable().getStackTrace()[0]; pools.add(Executors.newSingleThreadScheduledExecutor());
    expect("ScheduledThreadPoolExecutor", at);
    at = new Throwable().getStackTrace()[0]; pools.add(new ForkJoinPool(1));
    expect("ForkJoinPool", at);
    at = new Throwable().getStackTrace()[0]; pools.add(Executors.newWorkStealingPool(1));
    expect("ForkJoinPool", at);
    at = new Throwable().getStackTrace()[0]; pools.add(new CountingPool());
    expect("ThreadPoolExecutor", at);
    at = new Throwable().getStackTrace()[0]; pools.add(new CountingPool());
    expect("ThreadPoolExecutor", at); // the same subclass from another line: another name
    for (ExecutorService pool : pools) {
      pool.submit(() -> {}).get();
      pool.shutdown();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static final class Orders extends ArrayBlockingQueue<Object> {
    Orders() {
      super(1);
    }
  }

  static class CountingLock extends ReentrantLock {}

  static final class FairCountingLock extends CountingLock {}

  /** Subclasses are named where the application built them, each site its own name. */
  static void subclasses() throws Exception {
    StackTraceElement at;
    at = new Throwable().getStackTrace()[0]; Orders first = new Orders();
    expect("ArrayBlockingQueue", at);
    at = new Throwable().getStackTrace()[0]; Orders second = new Orders();
    expect("ArrayBlockingQueue", at);
    first.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    second.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    at = new Throwable().getStackTrace()[0]; ReentrantLock counting = new CountingLock();
    expect("ReentrantLock", at);
    at = new Throwable().getStackTrace()[0]; ReentrantLock deeper = new FairCountingLock();
    expect("ReentrantLock", at);
    for (ReentrantLock lock : new ReentrantLock[] {counting, deeper}) {
      Thread holder = LockScenarios.holdFor(lock, 1_000);
      lock.tryLock(WAIT_MS, TimeUnit.MILLISECONDS);
      holder.interrupt();
      holder.join();
    }
  }
}
