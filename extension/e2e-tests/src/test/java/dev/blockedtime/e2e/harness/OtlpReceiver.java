package dev.blockedtime.e2e.harness;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * An in-test OTLP/HTTP (protobuf) receiver: point a scenario JVM's exporter at {@link #endpoint()}
 * and query what arrived. All queries return immutable snapshots and are safe to call while
 * exports keep arriving.
 *
 * <p>The agent exports metrics with CUMULATIVE temporality, so every export repeats every series
 * seen so far; {@link #latestHistograms} therefore keeps the last point per attribute set, while
 * {@link #gaugeSamples} keeps every sample so a test can see values that were only live for a
 * while.
 */
public final class OtlpReceiver implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;

  // Guarded by "this"; notifyAll() on every export so awaitUntil() re-checks at once.
  private final Map<String, MetricInfo> metricInfos = new LinkedHashMap<>();
  private final Map<String, List<HistogramPoint>> histogramPoints = new LinkedHashMap<>();
  private final Map<String, List<GaugeSample>> numberSamples = new LinkedHashMap<>();
  private final List<SpanRecord> spans = new ArrayList<>();
  private final List<LogRecordData> logs = new ArrayList<>();
  private final Set<Map<String, Object>> resources = new LinkedHashSet<>();
  private final List<String> errors = new ArrayList<>();
  private int metricExports;
  private int traceExports;
  private int logExports;

  public OtlpReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the OTLP receiver's port", e);
    }
    executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "otlp-receiver");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/v1/metrics", this::handleMetrics);
    server.createContext("/v1/traces", this::handleTraces);
    server.createContext("/v1/logs", this::handleLogs);
    server.start();
  }

  /** Base URL for {@code otel.exporter.otlp.endpoint}, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  // ---------------------------------------------------------------- queries: metrics

  /** Latest declaration of a metric, if it was exported at all. */
  public synchronized Optional<MetricInfo> metric(String name) {
    return Optional.ofNullable(metricInfos.get(name));
  }

  /** Names of all metrics received so far, sorted. */
  public synchronized Set<String> metricNames() {
    return new TreeSet<>(metricInfos.keySet());
  }

  /**
   * The latest point of each series (distinct attribute set) of a histogram; empty if none arrived.
   * Keys are the points' attribute maps.
   */
  public synchronized Map<Map<String, Object>, HistogramPoint> latestHistograms(String metricName) {
    Map<Map<String, Object>, HistogramPoint> latest = new LinkedHashMap<>();
    for (HistogramPoint p : histogramPoints.getOrDefault(metricName, List.of())) {
      latest.put(p.attributes(), p); // arrival order: a later export replaces an earlier one
    }
    return Collections.unmodifiableMap(latest);
  }

  /** Every histogram point of a metric in arrival order, including repeats of cumulative series. */
  public synchronized List<HistogramPoint> histogramPoints(String metricName) {
    return List.copyOf(histogramPoints.getOrDefault(metricName, List.of()));
  }

  /**
   * Every number point of a gauge in arrival order, one per series per export. Points of sums
   * (counters, up-down counters) are kept here too; {@link #metric} tells which type it was.
   */
  public synchronized List<GaugeSample> gaugeSamples(String metricName) {
    return List.copyOf(numberSamples.getOrDefault(metricName, List.of()));
  }

  // ---------------------------------------------------------------- queries: traces and logs

  /** All spans in arrival order. */
  public synchronized List<SpanRecord> spans() {
    return List.copyOf(spans);
  }

  public synchronized List<SpanRecord> spans(String spanName) {
    return spans.stream().filter(s -> s.name().equals(spanName)).toList();
  }

  /** All log records in arrival order. */
  public synchronized List<LogRecordData> logs() {
    return List.copyOf(logs);
  }

  /** Log records whose {@code event_name} equals the given name. */
  public synchronized List<LogRecordData> logEvents(String eventName) {
    return logs.stream().filter(l -> l.eventName().equals(eventName)).toList();
  }

  /** Distinct resources (attribute maps) seen on any signal, e.g. to read service.name. */
  public synchronized List<Map<String, Object>> resources() {
    return List.copyOf(resources);
  }

  /** Requests the receiver could not decode; a healthy run has none. */
  public synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  public synchronized int metricExportCount() {
    return metricExports;
  }

  /** Forgets everything received so far (the receiver keeps listening). */
  public synchronized void clear() {
    metricInfos.clear();
    histogramPoints.clear();
    numberSamples.clear();
    spans.clear();
    logs.clear();
    resources.clear();
    errors.clear();
    metricExports = 0;
    traceExports = 0;
    logExports = 0;
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Waits until the condition holds, re-checking whenever an export arrives (and at least every
   * 100 ms). Throws an AssertionError describing what did arrive if it never holds.
   */
  public void awaitUntil(Supplier<Boolean> condition, Duration timeout) {
    awaitUntil("condition", condition, timeout);
  }

  public void awaitUntil(String description, Supplier<Boolean> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new AssertionError(
            description + " not met within " + timeout.toMillis() + " ms; " + summary());
      }
      pause(Math.min(remaining, Duration.ofMillis(100).toNanos()));
    }
  }

  /**
   * Re-runs an assertion (e.g. AssertJ) until it passes; on timeout rethrows its last failure with
   * a summary of what arrived.
   */
  public void awaitAsserted(Runnable assertion, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          AssertionError timedOut =
              new AssertionError(
                  "still failing after " + timeout.toMillis() + " ms: " + e.getMessage()
                      + "\n" + summary(),
                  e);
          throw timedOut;
        }
        pause(Math.min(remaining, Duration.ofMillis(100).toNanos()));
      }
    }
  }

  private synchronized void pause(long nanos) {
    try {
      // Woken early by notifyAll() when an export arrives.
      wait(Math.max(1, nanos / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for telemetry", e);
    }
  }

  /** One paragraph about what arrived; used in failure messages. */
  public synchronized String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("received ")
        .append(metricExports).append(" metric exports, ")
        .append(traceExports).append(" trace exports (").append(spans.size()).append(" spans), ")
        .append(logExports).append(" log exports (").append(logs.size()).append(" records)");
    sb.append("\n  metrics: ").append(new TreeSet<>(metricInfos.keySet()));
    sb.append("\n  spans: ").append(spans.stream().map(SpanRecord::name).distinct().toList());
    sb.append("\n  log events: ")
        .append(logs.stream().map(LogRecordData::eventName).distinct().toList());
    if (!errors.isEmpty()) {
      sb.append("\n  receiver errors: ").append(errors);
    }
    return sb.toString();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- HTTP handling

  private void handleMetrics(HttpExchange exchange) throws IOException {
    handle(exchange, ExportMetricsServiceResponse.getDefaultInstance(), body -> {
      ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
      Instant now = Instant.now();
      synchronized (this) {
        metricExports++;
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
          resources.add(OtlpValues.attributes(rm.getResource().getAttributesList()));
          for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            for (Metric m : sm.getMetricsList()) {
              storeMetric(sm.getScope(), m, now);
            }
          }
        }
      }
    });
  }

  private void handleTraces(HttpExchange exchange) throws IOException {
    handle(exchange, ExportTraceServiceResponse.getDefaultInstance(), body -> {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
      synchronized (this) {
        traceExports++;
        for (ResourceSpans rs : request.getResourceSpansList()) {
          Map<String, Object> resource = OtlpValues.attributes(rs.getResource().getAttributesList());
          resources.add(resource);
          String service = String.valueOf(resource.getOrDefault("service.name", ""));
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
              spans.add(toSpanRecord(s, ss.getScope().getName(), service));
            }
          }
        }
      }
    });
  }

  private void handleLogs(HttpExchange exchange) throws IOException {
    handle(exchange, ExportLogsServiceResponse.getDefaultInstance(), body -> {
      ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body);
      synchronized (this) {
        logExports++;
        for (ResourceLogs rl : request.getResourceLogsList()) {
          Map<String, Object> resource = OtlpValues.attributes(rl.getResource().getAttributesList());
          resources.add(resource);
          String service = String.valueOf(resource.getOrDefault("service.name", ""));
          for (ScopeLogs sl : rl.getScopeLogsList()) {
            for (LogRecord l : sl.getLogRecordsList()) {
              logs.add(toLogRecord(l, sl.getScope().getName(), service));
            }
          }
        }
      }
    });
  }

  private interface BodyConsumer {
    void accept(byte[] body) throws InvalidProtocolBufferException;
  }

  private void handle(HttpExchange exchange, Message emptyResponse, BodyConsumer consumer)
      throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        body = "gzip".equalsIgnoreCase(encoding)
            ? new GZIPInputStream(in).readAllBytes()
            : in.readAllBytes();
      }
      try {
        consumer.accept(body);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        synchronized (this) {
          errors.add(exchange.getRequestURI().getPath() + ": " + e);
          notifyAll();
        }
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      synchronized (this) {
        notifyAll();
      }
      byte[] response = emptyResponse.toByteArray(); // empty message = full success
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response);
      }
    }
  }

  // ---------------------------------------------------------------- decoding (holding "this")

  private void storeMetric(InstrumentationScope scope, Metric m, Instant receivedAt) {
    MetricInfo.Type type;
    String temporality = "";
    switch (m.getDataCase()) {
      case GAUGE:
        type = MetricInfo.Type.GAUGE;
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          addNumberSample(m.getName(), p, receivedAt);
        }
        break;
      case SUM:
        type = MetricInfo.Type.SUM;
        temporality = temporality(m.getSum().getAggregationTemporality());
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          addNumberSample(m.getName(), p, receivedAt);
        }
        break;
      case HISTOGRAM:
        type = MetricInfo.Type.HISTOGRAM;
        temporality = temporality(m.getHistogram().getAggregationTemporality());
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          histogramPoints.computeIfAbsent(m.getName(), k -> new ArrayList<>()).add(toHistogramPoint(p));
        }
        break;
      case EXPONENTIAL_HISTOGRAM:
        type = MetricInfo.Type.EXPONENTIAL_HISTOGRAM;
        temporality = temporality(m.getExponentialHistogram().getAggregationTemporality());
        break;
      case SUMMARY:
        type = MetricInfo.Type.SUMMARY;
        break;
      default:
        type = MetricInfo.Type.UNKNOWN;
    }
    metricInfos.put(
        m.getName(),
        new MetricInfo(m.getName(), m.getDescription(), m.getUnit(), type, temporality,
            scope.getName(), scope.getVersion()));
  }

  private static String temporality(AggregationTemporality t) {
    return t.name().replace("AGGREGATION_TEMPORALITY_", "");
  }

  private void addNumberSample(String metricName, NumberDataPoint p, Instant receivedAt) {
    boolean isDouble = p.getValueCase() == NumberDataPoint.ValueCase.AS_DOUBLE;
    double d = isDouble ? p.getAsDouble() : p.getAsInt();
    long l = isDouble ? (long) p.getAsDouble() : p.getAsInt();
    numberSamples
        .computeIfAbsent(metricName, k -> new ArrayList<>())
        .add(new GaugeSample(metricName, OtlpValues.attributes(p.getAttributesList()), d, l,
            isDouble, p.getTimeUnixNano(), receivedAt));
  }

  private static HistogramPoint toHistogramPoint(HistogramDataPoint p) {
    return new HistogramPoint(
        OtlpValues.attributes(p.getAttributesList()),
        p.getCount(),
        p.getSum(),
        p.hasMin() ? OptionalDouble.of(p.getMin()) : OptionalDouble.empty(),
        p.hasMax() ? OptionalDouble.of(p.getMax()) : OptionalDouble.empty(),
        p.getBucketCountsList(),
        p.getExplicitBoundsList(),
        p.getStartTimeUnixNano(),
        p.getTimeUnixNano(),
        p.getExemplarsList().stream()
            .filter(e -> !e.getSpanId().isEmpty())
            .map(e -> OtlpValues.hex(e.getSpanId()))
            .collect(java.util.stream.Collectors.toList()));
  }

  private static SpanRecord toSpanRecord(Span s, String scopeName, String serviceName) {
    List<SpanEventRecord> events = new ArrayList<>();
    for (Span.Event e : s.getEventsList()) {
      events.add(new SpanEventRecord(e.getName(), e.getTimeUnixNano(),
          OtlpValues.attributes(e.getAttributesList())));
    }
    return new SpanRecord(
        s.getName(),
        OtlpValues.hex(s.getTraceId()),
        OtlpValues.hex(s.getSpanId()),
        OtlpValues.hex(s.getParentSpanId()),
        s.getKind().name().replace("SPAN_KIND_", ""),
        s.getStartTimeUnixNano(),
        s.getEndTimeUnixNano(),
        OtlpValues.attributes(s.getAttributesList()),
        events,
        s.getStatus().getCode().name().replace("STATUS_CODE_", ""),
        scopeName,
        serviceName);
  }

  private static LogRecordData toLogRecord(LogRecord l, String scopeName, String serviceName) {
    return new LogRecordData(
        l.getEventName(),
        l.getSeverityNumberValue(),
        l.getSeverityText(),
        l.hasBody() ? OtlpValues.text(l.getBody()) : "",
        OtlpValues.attributes(l.getAttributesList()),
        l.getTimeUnixNano(),
        l.getObservedTimeUnixNano(),
        OtlpValues.hex(l.getTraceId()),
        OtlpValues.hex(l.getSpanId()),
        scopeName,
        serviceName);
  }
}
