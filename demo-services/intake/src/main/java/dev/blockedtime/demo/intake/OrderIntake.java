package dev.blockedtime.demo.intake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.blockedtime.demo.common.HttpExchanges;
import dev.blockedtime.demo.common.Json;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /orders}: takes an order ({@code {"sku": "sku-7", "quantity": 2}}, both optional) and
 * submits it to the processor pool, whose work queue is the bounded order queue, answering {@code
 * 202} with its id. When the queue is full the request thread waits for space (a timed {@code
 * offer} in the pool's rejection handler), up to {@code DEMO_ENQUEUE_TIMEOUT}, then gives up with
 * {@code 503}: the backpressure a bounded queue exists for, and exactly the wait the extension
 * records as {@code jvm.queue.state=full}.
 *
 * <p>The queue is built in {@link #newOrderQueue(int)}, whose allocation site the demo aliases to
 * {@code orders}.
 */
final class OrderIntake implements HttpHandler {
  private final OrderProcessors processors;
  private final Duration enqueueTimeout;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  OrderIntake(OrderProcessors processors, Duration enqueueTimeout) {
    this.processors = processors;
    this.enqueueTimeout = enqueueTimeout;
  }

  /** The processor pool's work queue. */
  static BlockingQueue<Runnable> newOrderQueue(int capacity) {
    return new ArrayBlockingQueue<>(capacity);
  }



  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      HttpExchanges.json(exchange, 405, Map.of("error", "POST an order"));
      return;
    }
    String sku = "sku-" + (1 + ids.get() % 20);
    int quantity = 1;
    String body = HttpExchanges.body(exchange);
    if (!body.isBlank()) {
      try {
        Map<String, Object> o = Json.parseObject(body);
        if (o.get("sku") instanceof String s && !s.isBlank()) {
          sku = s;
        }
        if (o.get("quantity") instanceof Number n && n.intValue() > 0) {
          quantity = n.intValue();
        }
      } catch (IllegalArgumentException e) {
        HttpExchanges.json(exchange, 400, Map.of("error", "the body is not a JSON object: " + e.getMessage()));
        return;
      }
    }
    Order order = new Order("o-" + ids.incrementAndGet(), sku, quantity, Context.current(), System.nanoTime());
    boolean queued = processors.submit(order);
    if (!queued) {
      rejected.incrementAndGet();
      exchange.getResponseHeaders().set("Retry-After", "1");
      HttpExchanges.json(exchange, 503, Map.of("error", "the order queue stayed full for " + enqueueTimeout.toMillis() + " ms"));
      return;
    }
    accepted.incrementAndGet();
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("orderId", order.orderId());
    reply.put("queued", processors.queued());
    HttpExchanges.json(exchange, 202, reply);
  }

  long accepted() {
    return accepted.get();
  }

  long rejected() {
    return rejected.get();
  }
}
