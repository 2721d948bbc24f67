package dev.blockedtime.demo.worker;

import dev.blockedtime.demo.common.Scenarios.Scenario;
import dev.blockedtime.demo.common.WorkerRpc.OrderProcessed;
import dev.blockedtime.demo.common.WorkerRpc.ProcessOrder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The worker's shared state: stock per SKU, behind one lock that every gRPC call takes. Under the
 * lock a call also writes a ledger entry (simulated by a short sleep, as a synchronous write to a
 * disk or a database would block): normally about a millisecond, so calls rarely meet; with the
 * {@code hotlock} scenario on, {@code DEMO_HOTLOCK_HOLD} (30 ms), so the lock is held longer than
 * calls arrive and every call queues behind it: the classic hot lock.
 *
 * <p>The lock is built in {@link #newInventoryLock()}, whose allocation site the demo aliases to
 * {@code inventory} ({@code otel.instrumentation.blocked-time.names}).
 */
final class Inventory {
  private static final long RESTOCK_TO = 1_000;

  private final ReentrantLock lock = newInventoryLock();
  private final Map<String, Long> stock = new HashMap<>(); // guarded by lock
  private final Scenario hotLock;
  private final Duration ledgerWrite;
  private final Duration hotLockHold;
  private long reservations; // guarded by lock

  Inventory(Scenario hotLock, Duration ledgerWrite, Duration hotLockHold) {
    this.hotLock = hotLock;
    this.ledgerWrite = ledgerWrite;
    this.hotLockHold = hotLockHold;
  }

  static ReentrantLock newInventoryLock() {
    return new ReentrantLock();
  }

  OrderProcessed reserve(ProcessOrder order) throws InterruptedException {
    lock.lock();
    try {
      long left = stock.getOrDefault(order.sku(), RESTOCK_TO);
      boolean reserved = left >= order.quantity();
      if (reserved) {
        left -= order.quantity();
        reservations++;
      }
      if (left < 10) {
        left = RESTOCK_TO; // a delivery arrived
      }
      stock.put(order.sku(), left);
      writeLedgerEntry();
      return new OrderProcessed(order.orderId(), reserved, left);
    } finally {
      lock.unlock();
    }
  }

  /** The slow part, done while holding the lock: exactly what makes a lock hot. */
  private void writeLedgerEntry() throws InterruptedException {
    Duration d = hotLock.isOn() ? hotLockHold : ledgerWrite;
    if (!d.isZero()) {
      Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }
  }

  long reservations() {
    lock.lock();
    try {
      return reservations;
    } finally {
      lock.unlock();
    }
  }
}
