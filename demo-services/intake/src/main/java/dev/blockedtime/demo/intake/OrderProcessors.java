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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processor pool: a {@link ThreadPoolExecutor} of a fixed number of threads that process the
 * orders queued in it, each having the worker reserve its stock over gRPC. Its work queue is the
 * bounded order queue ({@link OrderIntake#newOrderQueue}, aliased {@code orders}); the pool is
 * built in {@link #newProcessorPool}, aliased {@code processors}. When the processors fall
 * behind, orders wait in the queue to start ({@code jvm.executor.queued.*} of {@code processors})
 * and, once it is full, the HTTP threads wait for space in it ({@code jvm.queue.*} of {@code
 * orders}, state {@code full}): the pool's rejection handler waits, up to the enqueue timeout.
 *
 * <p>With the {@code backlog} scenario on, each order also gets an audit write that takes {@code
 * DEMO_BACKLOG_DELAY} (150 ms, a slow synchronous call), outside any lock: the pool's capacity
 * drops below the arrival rate and the backlog builds in the queue.
 */
final class OrderProcessors {
  private final ThreadPoolExecutor pool;
  private final WorkerClient worker;
  private final Scenario backlog;
  private final Duration backlogDelay;
  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.blockedtime.demo.intake");
  private final AtomicLong processed = new AtomicLong();
  private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

  OrderProcessors(
      BlockingQueue<Runnable> queue,
      Duration enqueueTimeout,
      WorkerClient worker,
      int count,
      Scenario backlog,
      Duration backlogDelay) {
    this.pool = newProcessorPool(count, queue, enqueueTimeout);
    this.worker = worker;
    this.backlog = backlog;
    this.backlogDelay = backlogDelay;
  }

  /** The pool's allocation site, {@code ...OrderProcessors.newProcessorPool:<line>}, is aliased "processors". */
  static ThreadPoolExecutor newProcessorPool(int count, BlockingQueue<Runnable> queue, Duration enqueueTimeout) {
    AtomicInteger ids = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "order-processor-" + ids.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return new ThreadPoolExecutor(count, count, 0, TimeUnit.MILLISECONDS, queue, threads, new WaitForSpace(enqueueTimeout));
  }

  /**
   * When the queue is full, the submitting HTTP thread waits for space, up to {@code timeout}, then
   * gives up: the backpressure a bounded queue exists for.
   */
  record WaitForSpace(Duration timeout) implements RejectedExecutionHandler {
    @Override
    public void rejectedExecution(Runnable task, ThreadPoolExecutor pool) {
      try {
        if (!pool.isShutdown() && pool.getQueue().offer(task, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new RejectedExecutionException("the order queue stayed full for " + timeout.toMillis() + " ms");
    }
  }

  void start() {
    pool.prestartAllCoreThreads();
  }

  /** Queues {@code order} for a processor; false when the queue stayed full for the timeout. */
  boolean submit(Order order) {
    try {
      pool.execute(() -> process(order));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  int queued() {
    return pool.getQueue().size();
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
