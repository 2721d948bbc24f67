package dev.blockedtime.demo.worker;

import com.sun.net.httpserver.HttpServer;
import dev.blockedtime.demo.common.AdminEndpoints;
import dev.blockedtime.demo.common.HttpServers;
import dev.blockedtime.demo.common.ParentWatch;
import dev.blockedtime.demo.common.Scenarios;
import dev.blockedtime.demo.common.Scenarios.Scenario;
import dev.blockedtime.demo.common.Settings;
import dev.blockedtime.demo.common.Threads;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo's worker: a gRPC service ({@code blockedtime.demo.Worker/Process}) that reserves stock
 * for intake's orders under one shared lock, with an admin HTTP endpoint to switch scenarios.
 *
 * <p>Settings ({@code DEMO_*} variables or {@code -Ddemo.*} properties; defaults in brackets):
 * {@code DEMO_GRPC_PORT} [50051], {@code DEMO_ADMIN_PORT} [8082], {@code DEMO_BIND_HOST} [0.0.0.0],
 * {@code DEMO_GRPC_THREADS} [8], {@code DEMO_LEDGER_WRITE} (time under the lock per call) [1ms],
 * {@code DEMO_HOTLOCK_HOLD} (the same with {@code hotlock} on) [30ms], {@code
 * DEMO_GRPC_START_DELAY} (serve gRPC only after this; the admin endpoint is up at once) [0].
 *
 * <p>Scenarios ({@code POST /admin/scenario?name=...&on=true|false}): {@code hotlock}, {@code
 * down}, {@code deadlock}; see {@code GET /admin/scenario}.
 */
public final class WorkerApp {
  private WorkerApp() {}

  public static void main(String[] args) throws Exception {
    ParentWatch.start();
    String host = Settings.string("bind.host", "0.0.0.0");
    int grpcPort = Settings.integer("grpc.port", 50051);
    int adminPort = Settings.integer("admin.port", 8082);
    int grpcThreads = Settings.integer("grpc.threads", 8);
    Duration ledgerWrite = Settings.duration("ledger.write", Duration.ofMillis(1));
    Duration hotLockHold = Settings.duration("hotlock.hold", Duration.ofMillis(30));
    Duration startDelay = Settings.duration("grpc.start.delay", Duration.ZERO);

    Scenarios scenarios = new Scenarios("worker");
    Scenario hotLock =
        scenarios.add(
            "hotlock",
            "every call holds the inventory lock for " + hotLockHold.toMillis() + " ms (a slow ledger write under the lock) instead of "
                + ledgerWrite.toMillis() + " ms: calls queue for the lock");
    Inventory inventory = new Inventory(hotLock, ledgerWrite, hotLockHold);
    ExecutorService grpcExecutor = Executors.newFixedThreadPool(grpcThreads, Threads.named("grpc-call"));
    WorkerGrpcServer grpc = new WorkerGrpcServer(new InetSocketAddress(host, grpcPort), inventory, grpcExecutor);
    Scenario down =
        scenarios.add(
            "down",
            "the gRPC server is stopped (calls in flight fail, connections close); off starts it again on the same port",
            on -> {
              if (on) {
                grpc.stop();
              } else {
                grpc.start();
              }
            });
    Reconciliation reconciliation = new Reconciliation();
    scenarios.add(
        "deadlock",
        "on: run the reconciliation job, whose two daemon threads take the ledger and audit locks in opposite orders and"
            + " deadlock for good (off cannot free them; only a restart does; on again makes another cycle)",
        on -> {
          if (on) {
            String[] threads = reconciliation.start();
            System.out.printf("[worker] reconciliation started: %s and %s are about to deadlock%n", threads[0], threads[1]);
          }
        });

    HttpServer admin = HttpServers.create(adminPort, 2, "admin");
    AdminEndpoints.install(
        admin,
        scenarios,
        () -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("grpcServing", grpc.isServing());
          m.put("grpcAddress", host + ":" + grpcPort);
          m.put("calls", grpc.calls());
          m.put("reservations", inventory.reservations());
          m.put("deadlockRuns", reconciliation.runs());
          return m;
        });
    admin.start();
    HttpServers.stopOnShutdown(admin);
    System.out.printf("[worker] admin endpoint on http://%s:%d (GET /admin/scenario)%n", host, adminPort);

    if (startDelay.isZero()) {
      grpc.start();
    } else {
      // Start late: clients see a channel that cannot connect yet. The `down` switch tells the truth meanwhile.
      scenarios.set(down.name(), true);
      System.out.printf("[worker] gRPC server starts in %d ms (DEMO_GRPC_START_DELAY)%n", startDelay.toMillis());
      Thread.sleep(startDelay.toMillis());
      scenarios.set(down.name(), false);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    grpc.stop();
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                },
                "grpc-stop"));
    // main returns; the admin server's dispatcher thread keeps the JVM alive until it is stopped.
  }
}
