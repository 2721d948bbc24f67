package dev.blockedtime.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real pipeline on loopback: {@link CheckoutApp} under the OpenTelemetry Java agent with the
 * extension exports OTLP/HTTP to the Collector (built by scripts/build-stack.sh, configured by
 * collector-config/otel-collector.yaml), which sends traces to Jaeger (same, collector-config/
 * jaeger.yaml), exposes metrics to a Prometheus that scrapes only the Collector and evaluates the
 * production rules, and writes log records to a file. Every port is a free loopback port; every
 * configuration is the repository's own, with its endpoints set through environment variables.
 *
 * <p>The one liberty: the rules file Prometheus loads is prometheus/rules with each {@code for:}
 * shortened to 2 s (expressions unchanged), and Prometheus scrapes and evaluates every second, so
 * the alerts fire within the test's minutes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackIT {
  private static final String SERVICE = "stack-app";
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Duration ARRIVAL = Duration.ofSeconds(90);
  private static final Pattern WAIT_LINE = Pattern.compile("^wait (\\w+) trace=(\\w+) start=(\\d+) end=(\\d+)$");
  private static final Pattern PROGRESS_LINE = Pattern.compile("^progress consumed=(\\d+)$");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{16}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static Path repo;
  private static Path out;
  private static Path logsFile;
  private static URI jaegerQuery;
  private static URI prometheus;
  private static URI collectorMetrics;
  private static ManagedProcess jaeger;
  private static ManagedProcess collector;
  private static ManagedProcess prometheusProcess;
  private static ManagedProcess app;
  private static final List<ManagedProcess> started = new ArrayList<>();

  @BeforeAll
  static void startStack() throws Exception {
    repo = Path.of(System.getProperty("blockedtime.repo.root")).toRealPath();
    out = Path.of(System.getProperty("blockedtime.stack.out"));
    Files.createDirectories(out);
    Map<String, Path> binaries = buildStack();
    Path prometheusBin = installPrometheus();

    Ports ports = new Ports();
    int jaegerOtlp = ports.next();
    int jaegerHttp = ports.next();
    jaegerQuery = URI.create("http://127.0.0.1:" + jaegerHttp);
    jaeger =
        new ManagedProcess(
            "jaeger",
            List.of(binaries.get("jaeger").toString(), "--config=" + repo.resolve("collector-config/jaeger.yaml")),
            Map.of(
                "JAEGER_OTLP_GRPC_ENDPOINT", "127.0.0.1:" + jaegerOtlp,
                "JAEGER_QUERY_HTTP_ENDPOINT", "127.0.0.1:" + jaegerHttp,
                "JAEGER_QUERY_GRPC_ENDPOINT", "127.0.0.1:" + ports.next(),
                "JAEGER_TELEMETRY_HOST", "127.0.0.1",
                "JAEGER_TELEMETRY_PORT", Integer.toString(ports.next())),
            out.resolve("jaeger.log"));
    start(jaeger, () -> status(jaegerQuery.resolve("/api/services")) == 200);

    int otlpHttp = ports.next();
    int exporter = ports.next();
    collectorMetrics = URI.create("http://127.0.0.1:" + exporter + "/metrics");
    logsFile = out.resolve("collector-logs.jsonl");
    Files.deleteIfExists(logsFile);
    collector =
        new ManagedProcess(
            "otelcol",
            List.of(binaries.get("otelcol").toString(), "--config=" + repo.resolve("collector-config/otel-collector.yaml")),
            Map.of(
                "OTELCOL_OTLP_GRPC_ENDPOINT", "127.0.0.1:" + ports.next(),
                "OTELCOL_OTLP_HTTP_ENDPOINT", "127.0.0.1:" + otlpHttp,
                "OTELCOL_JAEGER_ENDPOINT", "127.0.0.1:" + jaegerOtlp,
                "OTELCOL_PROMETHEUS_ENDPOINT", "127.0.0.1:" + exporter,
                "OTELCOL_TELEMETRY_HOST", "127.0.0.1",
                "OTELCOL_TELEMETRY_PORT", Integer.toString(ports.next()),
                "OTELCOL_LOGS_FILE", logsFile.toString()),
            out.resolve("otelcol.log"));
    start(collector, () -> status(collectorMetrics) == 200);

    int prometheusPort = ports.next();
    prometheus = URI.create("http://127.0.0.1:" + prometheusPort);
    Path config = writePrometheusConfig(exporter);
    Path tsdb = Files.createTempDirectory(out, "prometheus-data-");
    prometheusProcess =
        new ManagedProcess(
            "prometheus",
            List.of(
                prometheusBin.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + tsdb,
                "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn"),
            Map.of(),
            out.resolve("prometheus.log"));
    start(prometheusProcess, () -> status(prometheus.resolve("/-/ready")) == 200);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    app =
        new ManagedProcess(
            SERVICE,
            List.of(
                java,
                "-Xmx256m",
                "-javaagent:" + System.getProperty("blockedtime.agent.jar"),
                "-Dotel.javaagent.extensions=" + System.getProperty("blockedtime.extension.jar"),
                "-cp",
                System.getProperty("blockedtime.app.classpath"),
                CheckoutApp.class.getName()),
            Map.of(
                "OTEL_SERVICE_NAME", SERVICE,
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + otlpHttp,
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_METRIC_EXPORT_INTERVAL", "1000",
                "OTEL_BSP_SCHEDULE_DELAY", "200",
                "OTEL_BLRP_SCHEDULE_DELAY", "200",
                "OTEL_INSTRUMENTATION_BLOCKED_TIME_DEADLOCK_DETECTION_INTERVAL", "1s"),
            out.resolve("app.log"));
    start(app, () -> !app.lines(l -> l.startsWith("wait grpc ")).isEmpty());
  }

  @AfterAll
  static void stopStack() {
    // The application first, so it does not export into a Collector that is going away.
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  @Order(1)
  void jaegerHasTheTraceWithTheThreeKindsOfWaitEvents() {
    // The first checkout: its queue and lock stacks are new to the JVM, so their events carry the
    // full code.stacktrace too.
    Map<String, long[]> waits = firstCheckout();
    String traceId = app.lines(l -> l.startsWith("wait queue ")).stream().map(StackIT::traceOf).findFirst().orElseThrow();
    JsonNode trace =
        await("Jaeger has trace " + traceId + " with the three wait events", ARRIVAL, () -> {
          JsonNode t = getJson(jaegerQuery.resolve("/api/traces/" + traceId)).path("data").path(0);
          return hasEvent(t, "jvm.queue.blocked") && hasEvent(t, "jvm.lock.blocked") && hasEvent(t, "grpc.client.channel.wait")
              ? Optional.of(t) : Optional.empty();
        });

    Map<String, JsonNode> queue = event(trace, "jvm.queue.blocked");
    assertThat(text(queue, "jvm.queue.name")).startsWith(CheckoutApp.class.getName() + ".checkout:");
    assertThat(text(queue, "jvm.queue.type")).isEqualTo("ArrayBlockingQueue");
    assertThat(text(queue, "jvm.queue.operation")).isEqualTo("put");
    assertThat(text(queue, "jvm.queue.state")).isEqualTo("full");
    assertWaitCommon(queue, waits.get("queue"));

    Map<String, JsonNode> lock = event(trace, "jvm.lock.blocked");
    assertThat(text(lock, "jvm.lock.name")).startsWith(CheckoutApp.class.getName() + ".checkout:");
    assertThat(text(lock, "jvm.lock.type")).isEqualTo("ReentrantLock");
    assertThat(text(lock, "jvm.lock.operation")).isEqualTo("lock");
    assertThat(text(lock, "jvm.lock.mode")).isEqualTo("exclusive");
    assertWaitCommon(lock, waits.get("lock"));

    Map<String, JsonNode> grpc = event(trace, "grpc.client.channel.wait");
    assertThat(text(grpc, "grpc.target")).startsWith("127.0.0.1:");
    assertThat(text(grpc, "grpc.method")).isEqualTo(CheckoutApp.METHOD);
    assertThat(text(grpc, "grpc.channel.state")).isIn("idle", "connecting", "transient_failure");
    assertThat(grpc.get("grpc.wait_for_ready").path("value").asBoolean()).isTrue();
    assertThat(text(grpc, "grpc.status")).isEqualTo("OK");
    double seconds = grpc.get("grpc.channel.wait.duration").path("value").asDouble();
    assertThat(seconds).isPositive();
    assertStartedAtTheWaitsStart(grpc, seconds, waits.get("grpc"));
  }

  @Test
  @Order(2)
  void prometheusScrapingOnlyTheCollectorHasTheSeriesTheRulesUse() {
    JsonNode targets = getJson(prometheus.resolve("/api/v1/targets")).path("data").path("activeTargets");
    assertThat(targets).hasSize(1);
    assertThat(targets.get(0).path("scrapeUrl").asText()).isEqualTo(collectorMetrics.toString());

    JsonNode queue = awaitSeries("jvm_queue_blocked_duration_seconds_bucket{job=\"" + SERVICE + "\",jvm_queue_state=\"full\",jvm_queue_operation=\"put\"}");
    assertLabels(queue, "instance", "jvm_queue_name", "jvm_queue_type", "jvm_blocked_outcome", "le");
    JsonNode lock = awaitSeries("jvm_lock_blocked_duration_seconds_count{job=\"" + SERVICE + "\",jvm_lock_type=\"ReentrantLock\",jvm_lock_operation=\"lock\"}");
    assertLabels(lock, "instance", "jvm_lock_name", "jvm_lock_mode", "jvm_blocked_outcome");
    JsonNode grpc = awaitSeries("grpc_client_channel_wait_duration_seconds_count{job=\"" + SERVICE + "\",grpc_status=\"OK\"}");
    assertLabels(grpc, "instance", "grpc_target", "grpc_method", "grpc_channel_state", "grpc_wait_for_ready");
    assertLabels(awaitSeries("jvm_queue_blocked_threads{job=\"" + SERVICE + "\",jvm_queue_state=\"full\"}"), "instance", "jvm_queue_name", "jvm_queue_operation");
    assertLabels(awaitSeries("jvm_queue_blocked_oldest_seconds{job=\"" + SERVICE + "\",jvm_queue_state=\"full\"}"), "instance", "jvm_queue_name");
    assertLabels(awaitSeries("jvm_lock_blocked_oldest_seconds{job=\"" + SERVICE + "\",jvm_lock_type=\"ReentrantLock\"}"), "instance", "jvm_lock_name", "jvm_lock_operation", "jvm_lock_mode");
    assertLabels(awaitSeries("target_info{job=\"" + SERVICE + "\"}"), "instance");

    JsonNode deadlock = awaitSeries("jvm_deadlock_threads{job=\"" + SERVICE + "\"} > 0");
    assertLabels(deadlock, "instance");
    assertThat(deadlock.get(0).path("value").path(1).asDouble()).isEqualTo(2.0);
  }

  @Test
  @Order(3)
  void alertsFireThroughTheCollectorPath() {
    JsonNode deadlock = awaitFiring("BlockedTimeDeadlock");
    assertThat(deadlock.path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(deadlock.path("labels").path("instance").asText()).isNotEmpty();

    JsonNode queue = awaitFiring("BlockedTimeQueueSaturated");
    assertThat(queue.path("labels").path("jvm_queue_type").asText()).isEqualTo("ArrayBlockingQueue");
    assertThat(queue.path("labels").path("jvm_queue_name").asText()).startsWith(CheckoutApp.class.getName() + ".startPipeline:");
  }

  @Test
  @Order(4)
  void theStackAndDeadlockRecordsReachTheCollectorIntact() {
    // The stack of the first checkout's queue wait, as its span event carried it.
    String traceId = app.lines(l -> l.startsWith("wait queue ")).stream().map(StackIT::traceOf).findFirst().orElseThrow();
    Map<String, JsonNode> queueEvent = event(getJson(jaegerQuery.resolve("/api/traces/" + traceId)).path("data").path(0), "jvm.queue.blocked");
    String hash = text(queueEvent, "code.stacktrace.hash");

    JsonNode stack =
        await("a jvm.blocked.stack record for " + hash + " in " + logsFile, ARRIVAL,
            () -> logRecords("jvm.blocked.stack").filter(r -> hash.equals(attributes(r).get("code.stacktrace.hash"))).findFirst());
    Map<String, Object> attrs = attributes(stack);
    assertThat(stack.path("severityNumber").asInt()).as("severity INFO").isEqualTo(9);
    assertThat(attrs.get("code.stacktrace")).isEqualTo(text(queueEvent, "code.stacktrace"));
    assertThat((String) attrs.get("code.stacktrace")).contains(CheckoutApp.class.getName() + ".checkout:");
    assertThat(attrs.get("jvm.queue.name")).isEqualTo(text(queueEvent, "jvm.queue.name"));

    JsonNode deadlock = await("a jvm.deadlock record in " + logsFile, ARRIVAL, () -> logRecords("jvm.deadlock").findFirst());
    assertThat(deadlock.path("severityNumber").asInt()).as("severity ERROR").isEqualTo(17);
    assertThat(deadlock.path("body").path("stringValue").asText()).startsWith("deadlock of 2 threads:");
    Map<String, Object> d = attributes(deadlock);
    assertThat(d.get("jvm.deadlock.thread.names")).asList().containsExactlyInAnyOrder("deadlock-left", "deadlock-right");
    assertThat(d.get("jvm.deadlock.thread.stacks")).asList().hasSize(2)
        .allSatisfy(s -> assertThat((String) s).contains(CheckoutApp.class.getName() + ".lockBoth:"));
    assertThat(d.get("jvm.deadlock.thread.waiting_on_type")).asList().containsOnly("ReentrantLock");
  }

  @Test
  @Order(5)
  void withTheCollectorDownForTenSecondsTheApplicationKeepsItsPaceAndTheSeriesResume() throws Exception {
    String countQuery = "sum(jvm_queue_blocked_duration_seconds_count{job=\"" + SERVICE + "\",jvm_queue_state=\"full\"})";
    double before = awaitValue(countQuery);
    long consumedBefore = consumed();
    Thread.sleep(10_000);
    long paceUp = consumed() - consumedBefore;

    collector.stop(Duration.ofSeconds(10));
    assertThat(collector.isAlive()).isFalse();
    long consumedAtStop = consumed();
    Thread.sleep(10_000);
    long paceDown = consumed() - consumedAtStop;
    assertThat(app.isAlive()).isTrue();
    collector.start();

    System.out.printf("[stack-it] items consumed in 10 s: %d with the Collector up, %d with it down%n", paceUp, paceDown);
    // The consumer takes one item per 20 ms whatever happens to telemetry; an exporter that blocked
    // the application would show here. Same 10 s windows, so the counts compare directly.
    assertThat(paceDown).as("items consumed in 10 s with the Collector down (up: %d)", paceUp).isGreaterThanOrEqualTo(paceUp * 8 / 10);

    // Cumulative counts: the restarted Collector's exporter shows more than before the stop once the
    // agent's exports reach it again, and Prometheus scrapes it.
    await("the series resume in Prometheus after the Collector's restart (count above " + before + ")", ARRIVAL,
        () -> value(countQuery).filter(v -> v > before));
    // And traces flow again: a checkout that began after the restart is in Jaeger.
    long restarted = System.currentTimeMillis() * 1000;
    String traceId =
        await("a checkout after the restart", ARRIVAL,
            () -> app.lines(l -> l.startsWith("wait grpc ")).stream()
                .map(WAIT_LINE::matcher).filter(Matcher::matches)
                .filter(m -> Long.parseLong(m.group(3)) > restarted)
                .map(m -> m.group(2)).findFirst());
    await("Jaeger has trace " + traceId, ARRIVAL,
        () -> Optional.of(getJson(jaegerQuery.resolve("/api/traces/" + traceId)).path("data").path(0)).filter(t -> hasEvent(t, "grpc.client.channel.wait")));
  }

  // ---------------------------------------------------------------- the stack

  /** Runs scripts/build-stack.sh, its output shown in the build log; skips only if Go is absent. */
  private static Map<String, Path> buildStack() throws Exception {
    Process p = new ProcessBuilder("bash", repo.resolve("scripts/build-stack.sh").toString()).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        System.out.println("[build-stack] " + line);
        lines.add(line);
      }
    }
    int status = p.waitFor();
    if (status == 3) {
      String why = "Go is not installed: the stack test needs it to build the Collector and Jaeger (scripts/build-stack.sh)";
      System.out.println("[stack-it] SKIPPED: " + why);
      Assumptions.abort(why);
    }
    assertThat(status).as("scripts/build-stack.sh exit status").isZero();
    Map<String, Path> binaries = new HashMap<>();
    for (String line : lines.subList(Math.max(0, lines.size() - 2), lines.size())) {
      String[] parts = line.split(" ", 2);
      binaries.put(parts[0], Path.of(parts[1]));
    }
    assertThat(binaries).containsOnlyKeys("otelcol", "jaeger");
    return binaries;
  }

  /** Prometheus from PATH, else Debian's package, installed the way the demo does it. */
  private static Path installPrometheus() throws Exception {
    Process p = new ProcessBuilder("bash", repo.resolve("scripts/local-demo.sh").toString(), "--install-only").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("scripts/local-demo.sh --install-only: %s", output).isZero();
    Matcher m = Pattern.compile("(?m)^prometheus: (\\S+)").matcher(output);
    assertThat(m.find()).as(output).isTrue();
    return Path.of(m.group(1));
  }

  /** prometheus/prometheus.yml pointed at this Collector, and prometheus/rules with short `for:`. */
  private static Path writePrometheusConfig(int exporterPort) throws IOException {
    Path rules = out.resolve("rules");
    Files.createDirectories(rules);
    try (Stream<Path> files = Files.list(repo.resolve("prometheus/rules"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".rules.yml")).toList()) {
        String text = Files.readString(f);
        String shortened = text.replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 2s");
        assertThat(shortened).as("rules in %s with a `for:`", f).isNotEqualTo(text);
        Files.writeString(rules.resolve(f.getFileName()), shortened);
      }
    }
    String config = Files.readString(repo.resolve("prometheus/prometheus.yml"));
    config = replaceOnce(config, "otel-collector:8889", "127.0.0.1:" + exporterPort);
    config = replaceOnce(config, "rules/*.rules.yml", rules.resolve("*.rules.yml").toString());
    config = config.replaceFirst("scrape_interval: \\S+", "scrape_interval: 1s").replaceFirst("evaluation_interval: \\S+", "evaluation_interval: 1s");
    Path file = out.resolve("prometheus.yml");
    Files.writeString(file, config);
    return file;
  }

  private static String replaceOnce(String text, String what, String with) {
    assertThat(text).as("prometheus/prometheus.yml").contains(what);
    return text.replace(what, with);
  }

  private static void start(ManagedProcess p, Supplier<Boolean> ready) {
    started.add(p.start());
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!ready.get()) {
      if (!p.isAlive()) {
        fail(p.name() + " stopped at start (log " + p.log() + "):\n" + p.tail());
      }
      if (System.nanoTime() > deadline) {
        fail(p.name() + " not ready after " + STARTUP.toSeconds() + " s (log " + p.log() + "):\n" + p.tail());
      }
      sleep(200);
    }
  }

  // ---------------------------------------------------------------- the application's output

  private static Map<String, long[]> firstCheckout() {
    String grpcLine = app.lines(l -> l.startsWith("wait grpc ")).get(0);
    String traceId = traceOf(grpcLine);
    Map<String, long[]> waits = new LinkedHashMap<>();
    for (String line : app.lines(l -> l.startsWith("wait ") && l.contains("trace=" + traceId + " "))) {
      Matcher m = WAIT_LINE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      waits.put(m.group(1), new long[] {Long.parseLong(m.group(3)), Long.parseLong(m.group(4))});
    }
    assertThat(waits).containsOnlyKeys("queue", "lock", "grpc");
    return waits;
  }

  private static String traceOf(String waitLine) {
    Matcher m = WAIT_LINE.matcher(waitLine);
    assertThat(m.matches()).as(waitLine).isTrue();
    return m.group(2);
  }

  private static long consumed() {
    List<String> progress = app.lines(l -> PROGRESS_LINE.matcher(l).matches());
    assertThat(progress).isNotEmpty();
    Matcher m = PROGRESS_LINE.matcher(progress.get(progress.size() - 1));
    assertThat(m.matches()).isTrue();
    return Long.parseLong(m.group(1));
  }

  // ---------------------------------------------------------------- Jaeger

  private static boolean hasEvent(JsonNode trace, String name) {
    return events(trace).anyMatch(e -> name.equals(e.get("event").path("value").asText()));
  }

  private static Stream<Map<String, JsonNode>> events(JsonNode trace) {
    List<Map<String, JsonNode>> all = new ArrayList<>();
    for (JsonNode span : trace.path("spans")) {
      for (JsonNode log : span.path("logs")) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (JsonNode f : log.path("fields")) {
          fields.put(f.path("key").asText(), f);
        }
        fields.put("@timestamp", log.path("timestamp"));
        if (fields.containsKey("event")) {
          all.add(fields);
        }
      }
    }
    return all.stream();
  }

  private static Map<String, JsonNode> event(JsonNode trace, String name) {
    List<Map<String, JsonNode>> matching = events(trace).filter(e -> name.equals(e.get("event").path("value").asText())).toList();
    assertThat(matching).as("%s events in trace %s", name, trace.path("traceID").asText()).hasSize(1);
    return matching.get(0);
  }

  private static String text(Map<String, JsonNode> event, String key) {
    assertThat(event).as("attributes of a %s event", text0(event, "event")).containsKey(key);
    return event.get(key).path("value").asText();
  }

  private static String text0(Map<String, JsonNode> event, String key) {
    return event.containsKey(key) ? event.get(key).path("value").asText() : "?";
  }

  /** Outcome, duration, stack hash and thread of a queue or lock wait, and its timestamp. */
  private static void assertWaitCommon(Map<String, JsonNode> event, long[] call) {
    assertThat(text(event, "jvm.blocked.outcome")).isEqualTo("ok");
    assertThat(text(event, "code.stacktrace.hash")).matches(HASH);
    assertThat(text(event, "code.stacktrace")).contains(CheckoutApp.class.getName() + ".checkout:");
    assertThat(text(event, "thread.name")).isEqualTo("main");
    assertThat(event.get("thread.id").path("type").asText()).isEqualTo("int64");
    JsonNode duration = event.get("jvm.blocked.duration");
    assertThat(duration).as("jvm.blocked.duration").isNotNull();
    assertThat(duration.path("type").asText()).isEqualTo("float64");
    double seconds = duration.path("value").asDouble();
    assertThat(seconds).isPositive();
    assertStartedAtTheWaitsStart(event, seconds, call);
  }

  /**
   * The event's time is when the wait began: nearer the call's start than its return, and the
   * wait no longer than the call.
   */
  private static void assertStartedAtTheWaitsStart(Map<String, JsonNode> event, double seconds, long[] call) {
    long at = event.get("@timestamp").asLong();
    long start = call[0];
    long end = call[1];
    long waitMicros = (long) (seconds * 1e6);
    assertThat(waitMicros).as("the wait (µs) within the call").isLessThanOrEqualTo(end - start);
    assertThat(at - start).as("event time minus call start (µs); the call took %d µs", end - start).isLessThan(end - at);
  }

  // ---------------------------------------------------------------- Prometheus

  private static JsonNode awaitSeries(String query) {
    return await("Prometheus answers " + query, ARRIVAL, () -> {
      JsonNode r = query(query);
      return r.size() > 0 ? Optional.of(r) : Optional.empty();
    });
  }

  private static void assertLabels(JsonNode result, String... labels) {
    for (JsonNode series : result) {
      for (String label : labels) {
        assertThat(series.path("metric").path(label).asText()).as("label %s of %s", label, series.path("metric")).isNotEmpty();
      }
    }
  }

  private static JsonNode query(String promql) {
    JsonNode r = getJson(prometheus.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
    assertThat(r.path("status").asText()).as("query %s: %s", promql, r).isEqualTo("success");
    return r.path("data").path("result");
  }

  private static Optional<Double> value(String promql) {
    JsonNode r = query(promql);
    return r.size() == 1 ? Optional.of(r.get(0).path("value").path(1).asDouble()) : Optional.empty();
  }

  private static double awaitValue(String promql) {
    return await("a value for " + promql, ARRIVAL, () -> value(promql));
  }

  private static JsonNode awaitFiring(String alert) {
    return await(alert + " firing for job " + SERVICE, ARRIVAL, () -> {
      for (JsonNode a : getJson(prometheus.resolve("/api/v1/alerts")).path("data").path("alerts")) {
        if (alert.equals(a.path("labels").path("alertname").asText())
            && SERVICE.equals(a.path("labels").path("job").asText())
            && "firing".equals(a.path("state").asText())) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    });
  }

  // ---------------------------------------------------------------- the Collector's log output

  /** Log records with that event name, from the Collector's file exporter (OTLP/JSON lines). */
  private static Stream<JsonNode> logRecords(String eventName) {
    if (!Files.exists(logsFile)) {
      return Stream.empty();
    }
    List<JsonNode> records = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(logsFile)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode request;
        try {
          request = JSON.readTree(line);
        } catch (IOException e) {
          continue; // a line still being written
        }
        for (JsonNode rl : request.path("resourceLogs")) {
          for (JsonNode sl : rl.path("scopeLogs")) {
            for (JsonNode r : sl.path("logRecords")) {
              if (eventName.equals(r.path("eventName").asText()) || eventName.equals(attributes(r).get("event.name"))) {
                records.add(r);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records.stream();
  }

  /** OTLP/JSON attributes as plain values: strings, numbers, booleans, lists of them. */
  private static Map<String, Object> attributes(JsonNode record) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (JsonNode kv : record.path("attributes")) {
      out.put(kv.path("key").asText(), plain(kv.path("value")));
    }
    return out;
  }

  private static Object plain(JsonNode anyValue) {
    if (anyValue.has("stringValue")) {
      return anyValue.get("stringValue").asText();
    }
    if (anyValue.has("intValue")) {
      return anyValue.get("intValue").asLong();
    }
    if (anyValue.has("doubleValue")) {
      return anyValue.get("doubleValue").asDouble();
    }
    if (anyValue.has("boolValue")) {
      return anyValue.get("boolValue").asBoolean();
    }
    if (anyValue.has("arrayValue")) {
      List<Object> values = new ArrayList<>();
      anyValue.get("arrayValue").path("values").forEach(v -> values.add(plain(v)));
      return values;
    }
    return anyValue.toString();
  }

  // ---------------------------------------------------------------- plumbing

  private static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    AssertionError last = null;
    while (System.nanoTime() < deadline) {
      try {
        Optional<T> found = probe.get();
        if (found.isPresent()) {
          return found.get();
        }
      } catch (AssertionError | UncheckedIOException e) {
        last = e instanceof AssertionError a ? a : new AssertionError(e);
      }
      sleep(500);
    }
    throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + " (logs in " + out + ")", last);
  }

  private static JsonNode getJson(URI uri) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) {
        return JSON.createObjectNode();
      }
      assertThat(r.statusCode()).as("GET %s: %s", uri, r.body()).isEqualTo(200);
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int status(URI uri) {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Free loopback ports, each distinct. */
  private static final class Ports {
    private final java.util.Set<Integer> given = new java.util.HashSet<>();

    int next() throws IOException {
      while (true) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          if (given.add(s.getLocalPort())) {
            return s.getLocalPort();
          }
        }
      }
    }
  }
}
