package dev.blockedtime.demo.intake;

import com.sun.net.httpserver.HttpServer;
import dev.blockedtime.demo.common.AdminEndpoints;
import dev.blockedtime.demo.common.HttpServers;
import dev.blockedtime.demo.common.ParentWatch;
import dev.blockedtime.demo.common.Scenarios;
import dev.blockedtime.demo.common.Scenarios.Scenario;
import dev.blockedtime.demo.common.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's intake: the HTTP entry point. {@code POST /orders} puts an order on a bounded queue;
 * a pool of processor threads takes orders off it and calls the worker over gRPC.
 *
 * <p>Settings ({@code DEMO_*} variables or {@code -Ddemo.*} properties; defaults in brackets):
 * {@code DEMO_HTTP_PORT} [8080], {@code DEMO_ADMIN_PORT} [8081], {@code DEMO_BIND_HOST} [0.0.0.0],
 * {@code DEMO_HTTP_THREADS} [16],
 * {@code DEMO_WORKER_TARGET} (the worker's gRPC target) [localhost:50051], {@code
 * DEMO_QUEUE_CAPACITY} [64], {@code DEMO_PROCESSORS} [4], {@code DEMO_ENQUEUE_TIMEOUT} (how long a
 * request waits for queue space before 503) [2s], {@code DEMO_CALL_DEADLINE} (per gRPC call,
 * including any wait for the channel) [5s], {@code DEMO_BACKLOG_DELAY} [150ms].
 *
 * <p>Scenarios ({@code POST /admin/scenario?name=...&on=true|false} on the admin port): {@code
 * backlog}; see {@code GET /admin/scenario}.
 */
public final class IntakeApp {
  private IntakeApp() {}

  public static void main(String[] args) throws Exception {
    ParentWatch.start();
    int port = Settings.integer("http.port", 8080);
    int adminPort = Settings.integer("admin.port", 8081);
    int httpThreads = Settings.integer("http.threads", 16);
    String target = Settings.string("worker.target", "localhost:50051");
    int capacity = Settings.integer("queue.capacity", 64);
    int processorCount = Settings.integer("processors", 4);
    Duration enqueueTimeout = Settings.duration("enqueue.timeout", Duration.ofSeconds(2));
    Duration callDeadline = Settings.duration("call.deadline", Duration.ofSeconds(5));
    Duration backlogDelay = Settings.duration("backlog.delay", Duration.ofMillis(150));

    Scenarios scenarios = new Scenarios("intake");
    Scenario backlog =
        scenarios.add(
            "backlog",
            "each order also gets a slow audit write (" + backlogDelay.toMillis() + " ms) in the processor pool, so orders arrive"
                + " faster than " + processorCount + " processors finish them and the order queue fills");

    WorkerClient worker = new WorkerClient(target, callDeadline);
    OrderProcessors processors =
        new OrderProcessors(OrderIntake.newOrderQueue(capacity), enqueueTimeout, worker, processorCount, backlog, backlogDelay);
    OrderIntake intake = new OrderIntake(processors, enqueueTimeout);

    HttpServer server = HttpServers.create(port, httpThreads, "http");
    server.createContext("/orders", intake);
    // The admin endpoints get a server of their own, as a management port does: when the order
    // path is saturated (every HTTP thread waiting for queue space), switches still go through.
    HttpServer admin = HttpServers.create(adminPort, 2, "admin");
    AdminEndpoints.install(
        admin,
        scenarios,
        () -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("accepted", intake.accepted());
          m.put("rejected", intake.rejected());
          m.put("queued", processors.queued());
          m.put("queueCapacity", capacity);
          m.put("processed", processors.processed());
          m.put("failed", processors.failures());
          m.put("workerTarget", worker.target());
          m.put("workerChannel", worker.state().name());
          return m;
        });
    processors.start();
    admin.start();
    server.start();
    HttpServers.stopOnShutdown(server);
    HttpServers.stopOnShutdown(admin);
    System.out.printf(
        "[intake] POST /orders on port %d, admin on port %d (GET /admin/scenario); worker at %s; queue of %d, %d processors%n",
        port, adminPort, target, capacity, processorCount);
  }
}
