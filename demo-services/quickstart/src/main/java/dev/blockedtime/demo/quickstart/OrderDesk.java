package dev.blockedtime.demo.quickstart;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Order intake and fulfilment. Orders arrive in rushes (a flash sale every two seconds) and are
 * put into a bounded queue; three workers take them and each spends 15-35 ms on one. A rush is
 * bigger than the queue, so the intake thread waits for space; after it the workers run dry and
 * wait for orders.
 */
final class OrderDesk {
  static final int CAPACITY = 50;

  record Order(long id, int items, long cents) {}

  private final Tracer tracer;
  private final PaymentService payments;
  private final Notifier notifier;
  private final int workers;
  private final BlockingQueue<Order> orders = newOrderQueue();
  private final AtomicLong nextId = new AtomicLong(1);

  OrderDesk(Tracer tracer, PaymentService payments, Notifier notifier, int workers) {
    this.tracer = tracer;
    this.payments = payments;
    this.notifier = notifier;
    this.workers = workers;
  }

  /** The queue's allocation site, {@code ...OrderDesk.newOrderQueue:<line>}, is aliased "orders". */
  static BlockingQueue<Order> newOrderQueue() {
    return new ArrayBlockingQueue<>(CAPACITY);
  }

  void start() {
    QuickstartApp.daemon("order-intake", this::intakeLoop).start();
    for (int i = 1; i <= workers; i++) {
      QuickstartApp.daemon("order-worker-" + i, this::workerLoop).start();
    }
  }

  private void intakeLoop() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!Thread.currentThread().isInterrupted()) {
      int size = 120 + random.nextInt(60);
      Span rush = tracer.spanBuilder("order rush").setAttribute("orders.count", size).startSpan();
      try (Scope ignored = rush.makeCurrent()) {
        for (int i = 0; i < size; i++) {
          accept(new Order(nextId.getAndIncrement(), 1 + random.nextInt(5), 500 + random.nextInt(20_000)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        rush.end();
      }
      QuickstartApp.pause(2000);
    }
  }

  private void accept(Order order) throws InterruptedException {
    orders.put(order); // waits (state "full") while all 50 slots are taken
  }

  private void workerLoop() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    try {
      while (true) {
        Order order = orders.take(); // waits (state "empty") between rushes
        fulfil(order, random);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void fulfil(Order order, ThreadLocalRandom random) {
    QuickstartApp.pause(15 + random.nextInt(21)); // pick, pack, label
    payments.charge(order);
    notifier.enqueue("order " + order.id() + " shipped");
  }
}
