package dev.blockedtime.demo.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The traces in Jaeger that carry blocked-time span events, from its query API ({@code
 * /api/traces}): span events are a span's {@code logs}, named by their {@code event} field. Jaeger
 * finds a trace by the attributes of its events, so each search names one that every wait event of
 * a kind carries.
 */
final class JaegerApi {
  /** One wait on a trace: the event's name, what it waited on, how long, on which service. */
  record Wait(String event, String service, String what, double seconds) {}

  /** A trace with its blocked-time waits, newest first in {@link #tracesWithWaits}. */
  record Trace(String id, String root, long startMicros, double seconds, List<Wait> waits) {}

  static final Set<String> EVENTS =
      Set.of("jvm.queue.blocked", "jvm.lock.blocked", "grpc.client.channel.wait", "jvm.future.blocked", "jvm.executor.queued");

  /** One search per kind of wait, by an attribute its events carry, so each kind shows. */
  private static final List<String> SEARCHES =
      List.of(
          "{\"jvm.queue.state\":\"full\"}",
          "{\"jvm.lock.mode\":\"exclusive\"}",
          "{\"grpc.wait_for_ready\":\"true\"}",
          "{\"grpc.wait_for_ready\":\"false\"}");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  JaegerApi(URI base) {
    this.base = base;
  }

  URI base() {
    return base;
  }

  /** Where a person (or curl) reads one trace in full. */
  URI traceUri(String traceId) {
    return base.resolve("/api/traces/" + traceId);
  }

  boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(base.resolve("/api/services")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The newest traces of these services with wait events, {@code perKind} for each kind of wait. */
  List<Trace> tracesWithWaits(List<String> services, String lookback, int perKind) throws IOException {
    Map<String, Trace> found = new LinkedHashMap<>();
    for (String service : services) {
      for (String tags : SEARCHES) {
        String query = "/api/traces?service=" + enc(service) + "&lookback=" + enc(lookback) + "&limit=" + perKind + "&tags=" + enc(tags);
        for (JsonNode trace : get(query).path("data")) {
          Trace t = trace(trace);
          if (!t.waits().isEmpty()) {
            found.putIfAbsent(t.id(), t);
          }
        }
      }
    }
    List<Trace> out = new ArrayList<>(found.values());
    out.sort(Comparator.comparingLong(Trace::startMicros).reversed());
    return out;
  }

  static Trace trace(JsonNode trace) {
    Map<String, String> serviceOf = new LinkedHashMap<>();
    trace.path("processes").fields().forEachRemaining(p -> serviceOf.put(p.getKey(), p.getValue().path("serviceName").asText()));
    List<Wait> waits = new ArrayList<>();
    JsonNode root = null;
    for (JsonNode span : trace.path("spans")) {
      if (root == null || span.path("startTime").asLong() < root.path("startTime").asLong()) {
        root = span;
      }
      String service = serviceOf.getOrDefault(span.path("processID").asText(), "?");
      for (JsonNode log : span.path("logs")) {
        Map<String, String> fields = new LinkedHashMap<>();
        log.path("fields").forEach(f -> fields.put(f.path("key").asText(), f.path("value").asText()));
        String event = fields.getOrDefault("event", "");
        if (EVENTS.contains(event)) {
          waits.add(new Wait(event, service, what(event, fields), seconds(fields)));
        }
      }
    }
    String rootName = root == null ? "?" : serviceOf.getOrDefault(root.path("processID").asText(), "?") + " " + root.path("operationName").asText();
    long start = root == null ? 0 : root.path("startTime").asLong();
    double seconds = root == null ? 0 : root.path("duration").asLong() / 1e6;
    return new Trace(trace.path("traceID").asText(), rootName, start, seconds, waits);
  }

  private static String what(String event, Map<String, String> f) {
    return switch (event) {
      case "jvm.queue.blocked" -> f.getOrDefault("jvm.queue.name", "?") + " " + f.getOrDefault("jvm.queue.operation", "") + " (" + f.getOrDefault("jvm.queue.state", "") + ")";
      case "jvm.lock.blocked" -> f.getOrDefault("jvm.lock.name", "?") + " " + f.getOrDefault("jvm.lock.operation", "");
      case "grpc.client.channel.wait" -> f.getOrDefault("grpc.target", "?") + " " + f.getOrDefault("grpc.channel.state", "") + " -> " + f.getOrDefault("grpc.status", "");
      case "jvm.future.blocked" -> f.getOrDefault("jvm.future.type", "?") + " " + f.getOrDefault("jvm.future.operation", "");
      default -> f.getOrDefault("jvm.executor.name", "?");
    };
  }

  private static double seconds(Map<String, String> f) {
    String v = f.getOrDefault("jvm.blocked.duration", f.getOrDefault("grpc.channel.wait.duration", "0"));
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private JsonNode get(String pathAndQuery) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("Jaeger answered " + r.statusCode() + " to " + pathAndQuery);
      }
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
