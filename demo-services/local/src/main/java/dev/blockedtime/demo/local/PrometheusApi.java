package dev.blockedtime.demo.local;

import dev.blockedtime.demo.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of Prometheus's HTTP API the local demo and its test read: instant queries ({@code
 * /api/v1/query}), alerting rules with their alerts ({@code /api/v1/rules?type=alert}) and scrape
 * targets ({@code /api/v1/targets}).
 */
public final class PrometheusApi {
  /** One series of an instant vector: its labels and value. */
  public record Series(Map<String, String> labels, double value) {
    public String label(String name) {
      return labels.getOrDefault(name, "");
    }
  }

  /** An alerting rule: state {@code inactive}, {@code pending} or {@code firing}. */
  public record AlertRule(String name, String state, double forSeconds, Map<String, String> labels, List<Alert> alerts) {}

  /** One alert of a rule (a label set for which the expression holds). */
  public record Alert(Map<String, String> labels, Map<String, String> annotations, String state, Instant activeAt, double value) {
    public String label(String name) {
      return labels.getOrDefault(name, "");
    }
  }

  /** A scrape target and its health ({@code up}, {@code down}, {@code unknown}). */
  public record Target(String job, String scrapeUrl, String health, String lastError) {}

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public PrometheusApi(URI base) {
    this.base = base;
  }

  public URI base() {
    return base;
  }

  /** Whether Prometheus answers {@code /-/ready} with 200. */
  public boolean ready() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** An instant query; a scalar result comes back as one series without labels. */
  @SuppressWarnings("unchecked")
  public List<Series> query(String promql) throws IOException {
    Map<String, Object> data = data("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    List<Series> out = new ArrayList<>();
    Object result = data.get("result");
    if ("scalar".equals(data.get("resultType")) && result instanceof List<?> pair) {
      out.add(new Series(Map.of(), number(pair.get(1))));
      return out;
    }
    if (result instanceof List<?> list) {
      for (Object o : list) {
        Map<String, Object> s = (Map<String, Object>) o;
        List<Object> value = (List<Object>) s.get("value");
        out.add(new Series(strings(s.get("metric")), value == null ? Double.NaN : number(value.get(1))));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  public List<AlertRule> alertRules() throws IOException {
    Map<String, Object> data = data("/api/v1/rules?type=alert");
    List<AlertRule> out = new ArrayList<>();
    for (Object g : (List<Object>) data.getOrDefault("groups", List.of())) {
      for (Object r : (List<Object>) ((Map<String, Object>) g).getOrDefault("rules", List.of())) {
        Map<String, Object> rule = (Map<String, Object>) r;
        List<Alert> alerts = new ArrayList<>();
        for (Object a : (List<Object>) rule.getOrDefault("alerts", List.of())) {
          Map<String, Object> alert = (Map<String, Object>) a;
          Object activeAt = alert.get("activeAt");
          alerts.add(
              new Alert(
                  strings(alert.get("labels")),
                  strings(alert.get("annotations")),
                  String.valueOf(alert.get("state")),
                  activeAt instanceof String s ? Instant.parse(s) : null,
                  number(alert.get("value"))));
        }
        Object duration = rule.get("duration");
        out.add(
            new AlertRule(
                String.valueOf(rule.get("name")),
                String.valueOf(rule.getOrDefault("state", "inactive")),
                duration instanceof Number n ? n.doubleValue() : 0,
                strings(rule.get("labels")),
                alerts));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  public List<Target> targets() throws IOException {
    Map<String, Object> data = data("/api/v1/targets?state=active");
    List<Target> out = new ArrayList<>();
    for (Object t : (List<Object>) data.getOrDefault("activeTargets", List.of())) {
      Map<String, Object> target = (Map<String, Object>) t;
      out.add(
          new Target(
              strings(target.get("labels")).getOrDefault("job", ""),
              String.valueOf(target.get("scrapeUrl")),
              String.valueOf(target.get("health")),
              String.valueOf(target.getOrDefault("lastError", ""))));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> data(String pathAndQuery) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + pathAndQuery)).timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Map<String, Object> body;
    try {
      body = Json.parseObject(response.body());
    } catch (IllegalArgumentException e) {
      throw new IOException("Prometheus answered " + response.statusCode() + " with something other than JSON: " + e.getMessage());
    }
    if (!"success".equals(body.get("status"))) {
      throw new IOException("Prometheus: " + body.get("errorType") + ": " + body.get("error") + " (" + pathAndQuery + ")");
    }
    Object data = body.get("data");
    return data instanceof Map ? (Map<String, Object>) data : Map.of();
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> out = new LinkedHashMap<>();
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    if (o instanceof String s) {
      return switch (s) {
        case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> Double.parseDouble(s);
      };
    }
    return Double.NaN;
  }
}
