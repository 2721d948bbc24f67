package dev.blockedtime.demo.common;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operator's side of a demo service, on its HTTP server:
 *
 * <pre>
 * GET  /healthz                                  "ok" once the service is up
 * GET  /admin/scenario                           the switches: name, on, description
 * POST /admin/scenario?name=backlog&amp;on=true      turn one on (on=false: off)
 * GET  /admin/status                             the service's own counters
 * </pre>
 *
 * Everything answers JSON except {@code /healthz}. Changing a switch needs POST, so a crawler or a
 * browser's prefetch never turns a deadlock on.
 */
public final class AdminEndpoints {
  private AdminEndpoints() {}

  public static void install(HttpServer server, Scenarios scenarios, Supplier<Map<String, Object>> status) {
    server.createContext("/healthz", exchange -> HttpExchanges.text(exchange, 200, "ok"));
    server.createContext("/admin/scenario", exchange -> scenario(exchange, scenarios));
    server.createContext(
        "/admin/status",
        exchange -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("service", scenarios.service());
          body.putAll(status.get());
          body.put("scenarios", scenarios.describe());
          HttpExchanges.json(exchange, 200, body);
        });
  }

  private static void scenario(HttpExchange exchange, Scenarios scenarios) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET")) {
      HttpExchanges.json(exchange, 200, Map.of("service", scenarios.service(), "scenarios", scenarios.describe()));
      return;
    }
    if (!method.equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "GET, POST");
      HttpExchanges.json(exchange, 405, Map.of("error", "use GET to list the scenarios, POST to switch one"));
      return;
    }
    Map<String, String> q = HttpExchanges.query(exchange);
    String name = q.get("name");
    String on = q.getOrDefault("on", "true");
    if (name == null || name.isEmpty() || !(on.equals("true") || on.equals("false"))) {
      HttpExchanges.json(exchange, 400, Map.of("error", "expected ?name=<scenario>&on=true|false", "scenarios", scenarios.describe()));
      return;
    }
    if (scenarios.get(name).isEmpty()) {
      HttpExchanges.json(exchange, 404, Map.of("error", "no scenario " + name, "scenarios", scenarios.describe()));
      return;
    }
    try {
      boolean changed = scenarios.set(name, Boolean.parseBoolean(on));
      HttpExchanges.json(exchange, 200, Map.of("service", scenarios.service(), "name", name, "on", Boolean.parseBoolean(on), "changed", changed));
    } catch (Exception e) {
      HttpExchanges.json(exchange, 500, Map.of("error", "switching " + name + " failed: " + e));
    }
  }
}
