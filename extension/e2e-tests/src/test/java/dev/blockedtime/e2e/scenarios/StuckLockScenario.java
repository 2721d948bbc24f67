package dev.blockedtime.e2e.scenarios;

import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/** A thread stuck for seconds behind a lock holder, and one waiting for a permit. */
public final class StuckLockScenario {
  public static void main(String[] args) throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Semaphore permits = new Semaphore(0);
    lock.lock();
    Thread waiter = new Thread(lock::lock, "stuck-locker");
    waiter.setDaemon(true);
    waiter.start();
    Thread permitWaiter = new Thread(permits::acquireUninterruptibly, "stuck-permit");
    permitWaiter.start();
    System.out.println("WAITING");
    Thread.sleep(Long.parseLong(args[0]));
    lock.unlock();
    permits.release();
    waiter.join();
    permitWaiter.join();
    System.out.println("RELEASED");
    Thread.sleep(1000);
    System.out.println("DONE");
  }
}
