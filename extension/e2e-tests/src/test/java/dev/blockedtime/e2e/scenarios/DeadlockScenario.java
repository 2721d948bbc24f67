package dev.blockedtime.e2e.scenarios;

import static dev.blockedtime.e2e.harness.ScenarioSupport.awaitSignal;
import static dev.blockedtime.e2e.harness.ScenarioSupport.mark;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real deadlock of two threads, {@code deadlock-a} and {@code deadlock-b}: on two {@code
 * ReentrantLock}s (argument {@code locks}) or on two monitors ({@code monitors}). Builds it on the
 * test's {@code GO}, prints {@code DEADLOCKED} once the JVM sees it, and returns from main on
 * {@code EXIT}: the deadlocked threads are daemons, so the JVM can still exit.
 */
public final class DeadlockScenario {

  static final class LeftMonitor {}

  static final class RightMonitor {}

  public static void main(String[] args) throws Exception {
    awaitSignal("GO");
    if (args[0].equals("locks")) {
      lockCycle();
    } else {
      monitorCycle();
    }
    awaitDeadlock();
    mark("DEADLOCKED");
    awaitSignal("EXIT");
    mark("DONE");
  }

  // One method per lock, so that each has an allocation site of its own.
  static ReentrantLock newFirstLock() {
    return new ReentrantLock();
  }

  static ReentrantLock newSecondLock() {
    return new ReentrantLock();
  }

  static void lockCycle() {
    ReentrantLock first = newFirstLock();
    ReentrantLock second = newSecondLock();
    CountDownLatch bothHeld = new CountDownLatch(2);
    daemon("deadlock-a", () -> {
      first.lock();
      arrive(bothHeld);
      second.lock();
    });
    daemon("deadlock-b", () -> {
      second.lock();
      arrive(bothHeld);
      first.lock();
    });
  }

  static void monitorCycle() {
    LeftMonitor left = new LeftMonitor();
    RightMonitor right = new RightMonitor();
    CountDownLatch bothHeld = new CountDownLatch(2);
    daemon("deadlock-a", () -> {
      synchronized (left) {
        arrive(bothHeld);
        synchronized (right) {
          right.notifyAll();
        }
      }
    });
    daemon("deadlock-b", () -> {
      synchronized (right) {
        arrive(bothHeld);
        synchronized (left) {
          left.notifyAll();
        }
      }
    });
  }

  static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    // ids in creation order: deadlock-a has the smaller one
  }

  static void arrive(CountDownLatch bothHeld) {
    bothHeld.countDown();
    try {
      bothHeld.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void awaitDeadlock() throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (ManagementFactory.getThreadMXBean().findDeadlockedThreads() == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no deadlock after 30 s");
      }
      Thread.sleep(10);
    }
  }
}
