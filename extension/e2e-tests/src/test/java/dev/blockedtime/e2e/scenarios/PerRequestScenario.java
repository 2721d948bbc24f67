package dev.blockedtime.e2e.scenarios;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a service does per request, often enough for C2 to compile it: {@link #handle} builds a
 * lock, a condition, a latch, a semaphore and a queue and uses each once without waiting; then
 * two threads hand elements through a {@code SynchronousQueue}, so that its transfer is compiled
 * with the parks it sometimes reaches. Prints {@code DONE}.
 */
public final class PerRequestScenario {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    long sum = 0;
    for (int i = 0; i < rounds; i++) {
      sum += handle(i);
    }
    SynchronousQueue<Integer> handoff = new SynchronousQueue<>();
    Thread consumer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < rounds; i++) {
                  handoff.take();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    consumer.start();
    for (int i = 0; i < rounds; i++) {
      handoff.put(i);
    }
    consumer.join();
    System.out.println("DONE " + sum);
  }

  static int handle(int request) throws InterruptedException {
    ReentrantLock lock = new ReentrantLock();
    Condition done = lock.newCondition();
    CountDownLatch reply = new CountDownLatch(1);
    Semaphore permits = new Semaphore(1);
    ArrayBlockingQueue<Integer> batch = new ArrayBlockingQueue<>(4);
    lock.lock();
    try {
      done.signalAll();
    } finally {
      lock.unlock();
    }
    permits.acquire();
    permits.release();
    batch.offer(request);
    reply.countDown();
    reply.await();
    return batch.poll();
  }
}
