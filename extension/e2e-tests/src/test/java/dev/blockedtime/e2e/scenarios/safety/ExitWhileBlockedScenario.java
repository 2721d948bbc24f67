package dev.blockedtime.e2e.scenarios.safety;

import dev.blockedtime.e2e.harness.ScenarioSupport;
import java.util.ArrayList;
import java.util.List;
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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Daemon threads blocked for good in every kind of wait the extension tracks (and, on JDK 21+,
 * virtual threads too) when {@code main} returns: the JVM must exit as it would without the
 * extension. Prints {@code BLOCKED n=N} once every thread waits and the gauges had time to show
 * them, then {@code MAIN_RETURNS} as its very last act.
 */
public final class ExitWhileBlockedScenario {
  public static void main(String[] args) throws Exception {
    List<Thread> blocked = new ArrayList<>();
    block(Safety.threads("exit-platform", false), blocked);
    if (Safety.hasVirtualThreads()) {
      block(Safety.threads("exit-virtual", true), blocked);
    }
    long deadline = Safety.deadline(10_000);
    for (Thread t : blocked) {
      while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    }
    ScenarioSupport.awaitExport();
    ScenarioSupport.mark("BLOCKED n=" + blocked.size());
    ScenarioSupport.mark("MAIN_RETURNS");
  }

  private static void block(ThreadFactory threads, List<Thread> started) {
    BlockingQueue<Object> abq = new ArrayBlockingQueue<>(1);
    BlockingQueue<Object> full = new ArrayBlockingQueue<>(1);
    full.add("x");
    BlockingQueue<Object> lbq = new LinkedBlockingQueue<>();
    LinkedBlockingDeque<Object> deque = new LinkedBlockingDeque<>();
    BlockingQueue<Object> priority = new PriorityBlockingQueue<>();
    BlockingQueue<Object> delay = delayQueue();
    SynchronousQueue<Object> syncTake = new SynchronousQueue<>();
    SynchronousQueue<Object> syncPut = new SynchronousQueue<>(true);
    LinkedTransferQueue<Object> transferTake = new LinkedTransferQueue<>();
    LinkedTransferQueue<Object> transferPut = new LinkedTransferQueue<>();
    ReentrantLock lock = new ReentrantLock();
    Condition condition = lock.newCondition();
    ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    StampedLock stamped = new StampedLock();
    Semaphore semaphore = new Semaphore(0);
    CountDownLatch latch = new CountDownLatch(1);
    CyclicBarrier barrier = new CyclicBarrier(100);
    Phaser phaser = new Phaser(100);
    // held by a thread that itself waits for good
    ReentrantLock held = new ReentrantLock();
    CountDownLatch holding = new CountDownLatch(1);
    started.add(start(threads, () -> {
      held.lock();
      rw.writeLock().lock();
      stamped.writeLock();
      holding.countDown();
      new CountDownLatch(1).await();
    }));
    try {
      holding.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    started.add(start(threads, abq::take));
    started.add(start(threads, () -> full.put("y")));
    started.add(start(threads, lbq::take));
    started.add(start(threads, deque::takeLast));
    started.add(start(threads, priority::take));
    started.add(start(threads, delay::take));
    started.add(start(threads, syncTake::take));
    started.add(start(threads, () -> syncPut.put("z")));
    started.add(start(threads, transferTake::take));
    started.add(start(threads, () -> transferPut.transfer("w")));
    started.add(start(threads, held::lock));
    started.add(start(threads, () -> rw.readLock().lock()));
    started.add(start(threads, stamped::readLock));
    started.add(start(threads, semaphore::acquire));
    started.add(start(threads, latch::await));
    started.add(start(threads, barrier::await));
    started.add(start(threads, phaser::arriveAndAwaitAdvance));
    started.add(start(threads, () -> {
      lock.lock();
      try {
        condition.awaitUninterruptibly();
      } finally {
        lock.unlock();
      }
    }));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static BlockingQueue<Object> delayQueue() {
    return (BlockingQueue) new DelayQueue<>();
  }

  interface Blocking {
    void run() throws Exception;
  }

  private static Thread start(ThreadFactory threads, Blocking action) {
    Thread t =
        threads.newThread(() -> {
          try {
            action.run();
          } catch (Exception e) {
            System.out.println("UNEXPECTED " + e);
          }
        });
    t.start();
    return t;
  }
}
