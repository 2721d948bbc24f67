package dev.blockedtime.demo.intake;

import dev.blockedtime.demo.common.Scenarios.Scenario;
import dev.blockedtime.demo.common.WorkerRpc.OrderProcessed;
import dev.blockedtime.demo.common.WorkerRpc.ProcessOrder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processor pool: a fixed number of threads that take orders off the queue and have the worker
 * reserve their stock over gRPC, one call per order. When they fall behind, the queue fills and the
 * HTTP threads wait to put (see {@link OrderIntake}).
 *
 * <p>With the {@code backlog} scenario on, each order also gets an audit write that takes {@code
 * DEMO_BACKLOG_DELAY} (150 ms, a slow synchronous call), outside any lock: the pool's capacity
 * drops below the arrival rate and the backlog builds in the queue.
 */
final class OrderProcessors {
  private final BlockingQueue<Order> queue;
  private final WorkerClient worker;
  private final Scenario backlog;
  private final Duration backlogDelay;
  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.blockedtime.demo.intake");
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong processed = new AtomicLong();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

  OrderProcessors(BlockingQueue<Order> queue, WorkerClient worker, int count, Scenario backlog, Duration backlogDelay) {
    this.queue = queue;
    this.worker = worker;
    this.backlog = backlog;
    this.backlogDelay = backlogDelay;
    for (int i = 1; i <= count; i++) {
      Thread t = new Thread(this::run, "order-processor-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      Order order;
      try {
        order = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      process(order);
    }
  }

  private void process(Order order) {
    Span span = tracer.spanBuilder("process order").setParent(order.context()).setAttribute("order.id", order.orderId()).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      if (backlog.isOn()) {
        Thread.sleep(backlogDelay.toMillis()); // the slow audit write
      }
      OrderProcessed result = worker.process(new ProcessOrder(order.orderId(), order.sku(), order.quantity()));
      span.setAttribute("order.reserved", result.reserved());
      processed.incrementAndGet();
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      failures.computeIfAbsent(code.name(), k -> new AtomicLong()).incrementAndGet();
      span.setStatus(StatusCode.ERROR, "worker call failed: " + code);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      span.end();
    }
  }

  long processed() {
    return processed.get();
  }

  Map<String, Long> failures() {
    Map<String, Long> out = new TreeMap<>();
    failures.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
