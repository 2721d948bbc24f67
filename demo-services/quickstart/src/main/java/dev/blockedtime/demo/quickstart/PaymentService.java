package dev.blockedtime.demo.quickstart;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Charges orders on a fixed pool of four threads. Charging is quick, so the pool's workers spend
 * most of their time idle, waiting for the next task on the executor's work queue: the wait every
 * thread pool has, named here by the queue's allocation site (this class's constructor).
 */
final class PaymentService {
  private final ThreadPoolExecutor pool;

  PaymentService(int threads) {
    AtomicInteger n = new AtomicInteger();
    pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> QuickstartApp.daemon("payment-" + n.incrementAndGet(), r));
  }

  void charge(OrderDesk.Order order) {
    pool.execute(() -> authorize(order));
  }

  private static void authorize(OrderDesk.Order order) {
    QuickstartApp.pause(2 + ThreadLocalRandom.current().nextInt(4)); // the card network
  }
}
