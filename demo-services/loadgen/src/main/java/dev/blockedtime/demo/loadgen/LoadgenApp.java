package dev.blockedtime.demo.loadgen;

import com.sun.net.httpserver.HttpServer;
import dev.blockedtime.demo.common.AdminEndpoints;
import dev.blockedtime.demo.common.HttpExchanges;
import dev.blockedtime.demo.common.HttpServers;
import dev.blockedtime.demo.common.ParentWatch;
import dev.blockedtime.demo.common.Scenarios;
import dev.blockedtime.demo.common.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The demo's load generator: {@code POST /orders} to intake at a steady, adjustable rate.
 *
 * <p>Settings ({@code DEMO_*} variables or {@code -Ddemo.*} properties; defaults in brackets):
 * {@code DEMO_INTAKE_URL} [http://localhost:8080], {@code DEMO_RATE} (requests per second) [40],
 * {@code DEMO_MAX_IN_FLIGHT} [200], {@code DEMO_REQUEST_TIMEOUT} [10s], {@code DEMO_ADMIN_PORT}
 * [8083], {@code DEMO_BIND_HOST} [0.0.0.0].
 *
 * <p>Admin: {@code POST /admin/rate?per-second=80} sets the rate; scenario {@code burst} triples it.
 */
public final class LoadgenApp {
  private LoadgenApp() {}

  public static void main(String[] args) throws Exception {
    ParentWatch.start();
    URI intake = URI.create(Settings.string("intake.url", "http://localhost:8080"));
    double rate = Settings.decimal("rate", 40);
    int maxInFlight = Settings.integer("max.in.flight", 200);
    Duration requestTimeout = Settings.duration("request.timeout", Duration.ofSeconds(10));
    int adminPort = Settings.integer("admin.port", 8083);

    LoadGenerator load = new LoadGenerator(intake, rate, maxInFlight, requestTimeout);
    Scenarios scenarios = new Scenarios("loadgen");
    scenarios.add("burst", "send three times the configured rate", on -> load.setMultiplier(on ? 3 : 1));

    HttpServer admin = HttpServers.create(adminPort, 2, "admin");
    AdminEndpoints.install(admin, scenarios, () -> status(load));
    admin.createContext(
        "/admin/rate",
        exchange -> {
          if (exchange.getRequestMethod().equals("POST")) {
            String v = HttpExchanges.query(exchange).get("per-second");
            try {
              double perSecond = Double.parseDouble(v == null ? "" : v);
              if (perSecond < 0 || perSecond > 10_000) {
                throw new NumberFormatException();
              }
              load.setRate(perSecond);
              System.out.printf("[loadgen] rate set to %.1f/s%n", perSecond);
            } catch (NumberFormatException e) {
              HttpExchanges.json(exchange, 400, Map.of("error", "expected ?per-second=<0..10000>"));
              return;
            }
          }
          HttpExchanges.json(exchange, 200, Map.of("perSecond", load.effectiveRate()));
        });
    admin.start();
    HttpServers.stopOnShutdown(admin);
    load.start();
    System.out.printf("[loadgen] sending POST %s/orders at %.1f/s; admin on port %d%n", intake, rate, adminPort);

    // One line every 10 s, so the service's log tells the story on its own.
    Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "loadgen-report");
              t.setDaemon(true);
              return t;
            })
        .scheduleAtFixedRate(() -> System.out.println("[loadgen] " + status(load)), 10, 10, TimeUnit.SECONDS);
  }

  private static Map<String, Object> status(LoadGenerator load) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("perSecond", load.effectiveRate());
    m.put("sent", load.sent());
    m.put("inFlight", load.inFlight());
    m.put("shed", load.shed());
    m.put("responses", load.outcomes());
    return m;
  }
}
