package dev.blockedtime.demo.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.blockedtime.demo.local.PrometheusApi.Alert;
import dev.blockedtime.demo.local.PrometheusApi.AlertRule;
import dev.blockedtime.demo.local.PrometheusApi.Series;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local mode, end to end: runs {@code scripts/local-demo.sh --no-build --timeline fast} (the
 * jars come from this reactor build; {@code --install-only} first installs Prometheus with
 * apt-get if it is missing, so nothing is installed by hand) and asserts,
 * through Prometheus's HTTP API only, what each scenario of the timeline must produce under the
 * contract's names. One run of the stack serves every test; each test waits for its evidence
 * until a deadline fixed on the timeline, so the whole class stays within about two minutes
 * whatever passes or fails.
 *
 * <p>Timeline {@code fast}, from the moment all three services are up: backlog at 5 s, hot lock at
 * 15 s, worker stopped at 25 s and restarted at 35 s, deadlock at 42 s.
 *
 * <p>Where Go is installed (CI), the script runs the real pipeline: the services export OTLP to the
 * Collector, Prometheus scrapes only the Collector, and the waits are also asserted in Jaeger and in
 * the log records the Collector received. Without Go it runs each agent's own endpoint, as the
 * script does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalDemoIT {
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final Set<String> OUTCOMES = Set.of("ok", "timeout", "interrupted");
  private static final Set<String> CHANNEL_STATES = Set.of("idle", "connecting", "ready", "transient_failure", "shutdown");
  private static final Set<String> GRPC_CODES =
      Set.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
          "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
          "UNAUTHENTICATED");

  private Path out;
  private Path scriptOutput;
  private Process script;
  private List<ProcessHandle> started;
  private Properties endpoints;
  private PrometheusApi prometheus;
  private Instant up;
  private boolean pipeline;

  @BeforeAll
  void startTheLocalMode() throws Exception {
    Path repo = Paths.get(System.getProperty("blockedtime.repo.root", "../..")).toAbsolutePath().normalize();
    out = Paths.get(System.getProperty("blockedtime.local-demo.out", "target/local-demo-it")).toAbsolutePath();
    deleteTree(out);
    Files.createDirectories(out);
    scriptOutput = out.resolveSibling(out.getFileName() + ".out");

    // The Collector and Jaeger first, without the start-up clock running: a cold build takes minutes.
    Process stack = new ProcessBuilder("bash", repo.resolve("scripts/build-stack.sh").toString()).redirectErrorStream(true).start();
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(stack.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      in.lines().forEach(l -> System.out.println("[build-stack] " + l));
    }
    int stackStatus = stack.waitFor();
    assertThat(stackStatus).as("scripts/build-stack.sh: 0 built, 3 no Go").isIn(0, 3);

    // Prometheus next, as well: a fresh machine installs it with apt-get.
    Process install =
        new ProcessBuilder(repo.resolve("scripts/local-demo.sh").toString(), "--install-only")
            .redirectErrorStream(true)
            .redirectOutput(out.resolveSibling(out.getFileName() + ".install.out").toFile())
            .start();
    if (!install.waitFor(5, TimeUnit.MINUTES) || install.exitValue() != 0) {
      install.destroyForcibly();
      fail("scripts/local-demo.sh --install-only failed; see " + out.resolveSibling(out.getFileName() + ".install.out"));
    }

    ProcessBuilder pb =
        new ProcessBuilder(
            repo.resolve("scripts/local-demo.sh").toString(),
            "--no-build",
            "--timeline", "fast",
            "--duration", "100s", // a bound of its own, should this test JVM die
            "--plain",
            "--out", out.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("OTEL_INSTRUMENTATION_BLOCKED_TIME_DEADLOCK_DETECTION_INTERVAL", "1s");
    pb.redirectErrorStream(true);
    pb.redirectOutput(scriptOutput.toFile());
    script = pb.start();

    Path file = out.resolve("endpoints.properties");
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (!Files.exists(file)) {
      if (!script.isAlive()) {
        fail("scripts/local-demo.sh exited with " + script.exitValue() + " before the stack was up:\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        fail("the stack was not up after " + STARTUP_TIMEOUT.toSeconds() + " s:\n" + tail());
      }
      Thread.sleep(250);
    }
    endpoints = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      endpoints.load(in);
    }
    up = Instant.ofEpochMilli(Long.parseLong(endpoints.getProperty("timeline.start.epoch.millis")));
    prometheus = new PrometheusApi(URI.create(endpoints.getProperty("prometheus.url")));
    pipeline = endpoints.containsKey("jaeger.url");
    assertThat(pipeline).as("the real pipeline runs exactly when Go built it").isEqualTo(stackStatus == 0);
    started = script.descendants().toList();
  }

  @AfterAll
  void stopWhateverIsLeft() throws InterruptedException {
    if (script != null && script.isAlive()) {
      script.destroy();
      if (!script.waitFor(30, TimeUnit.SECONDS)) {
        script.descendants().forEach(ProcessHandle::destroyForcibly);
        script.destroyForcibly();
      }
    }
    if (started != null) {
      started.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  @Order(1)
  void prometheusScrapesTheThreeAgentsAndLoadsTheProductionRules() throws Exception {
    eventually(seconds(15), () -> {
      List<PrometheusApi.Target> targets = prometheus.targets();
      if (pipeline) {
        assertThat(targets).extracting(PrometheusApi.Target::scrapeUrl).containsExactly(endpoints.getProperty("collector.metrics"));
      } else {
        assertThat(targets).extracting(PrometheusApi.Target::job).containsExactlyInAnyOrder("intake", "worker", "loadgen");
      }
      assertThat(targets).allSatisfy(t -> assertThat(t.health()).as(t.scrapeUrl() + " " + t.lastError()).isEqualTo("up"));
    });
    assertThat(prometheus.alertRules())
        .extracting(AlertRule::name)
        .contains(
            "BlockedTimeQueueProducerWaitSlow", "BlockedTimeQueueSaturated", "BlockedTimeLockSaturated", "BlockedTimeQueueWaitStuck",
            "BlockedTimeLockWaitStuck", "BlockedTimeDeadlock", "BlockedTimeGrpcChannelWaitSlow", "BlockedTimeGrpcCallsStuckWaiting",
            "BlockedTimeExecutorQueuedSlow", "BlockedTimeExecutorSaturated");
  }

  /** Backlog (5 s to 15 s): producers wait for space in intake's order queue. */
  @Test
  @Order(2)
  void backlogShowsAsProducerWaitsOnTheOrderQueue() throws Exception {
    String full = "{job=\"intake\",jvm_queue_name=\"orders\",jvm_queue_type=\"ArrayBlockingQueue\",jvm_queue_operation=\"offer\",jvm_queue_state=\"full\",otel_scope_name=\"blocked-time\"}";
    eventually(seconds(40), () -> {
      double count = sum("jvm_queue_blocked_duration_seconds_count" + full);
      double sum = sum("jvm_queue_blocked_duration_seconds_sum" + full);
      assertThat(count).as("producer waits on orders").isGreaterThan(10);
      // One point per wait; a timed offer gives up after DEMO_ENQUEUE_TIMEOUT (2 s).
      assertThat(sum / count).as("average producer wait, s").isBetween(1e-5, 2.5);
      assertThat(sum("jvm_queue_blocked_duration_seconds_bucket" + withLabel(full, "le", "+Inf"))).as("+Inf bucket = count").isEqualTo(count);
      assertThat(values("jvm_queue_blocked_duration_seconds_count" + full, "jvm_blocked_outcome")).isNotEmpty().isSubsetOf(OUTCOMES);
      assertThat(values("jvm_queue_blocked_duration_seconds_count" + withLabel(full, "code_stacktrace_hash", "~[0-9a-f]{16}"), "code_stacktrace_hash"))
          .as("stack hashes on waits over the 1 ms stack threshold")
          .isNotEmpty();
      // The production recording rules evaluate on these series.
      assertThat(sum("job_queue_state:jvm_queue_blocked_duration_seconds:p99_5m{job=\"intake\",jvm_queue_name=\"orders\",jvm_queue_state=\"full\"}"))
          .as("recorded p99 of producer waits, s")
          .isBetween(0.001, 2.5);
    });
    // The same backlog as the processor pool sees it: orders wait in its queue to start, the
    // gauges show them while they wait, and both executor alerts' conditions hold (pending: their
    // `for` is minutes, longer than the scenario).
    String pool = "{job=\"intake\",jvm_executor_name=\"processors\",jvm_executor_type=\"ThreadPoolExecutor\"}";
    eventually(seconds(40), () -> {
      double count = sum("jvm_executor_queued_duration_seconds_count" + pool);
      assertThat(count).as("orders started by the processors").isGreaterThan(10);
      assertThat(sum("jvm_executor_queued_duration_seconds_sum" + pool) / count).as("average queued time, s").isBetween(1e-6, 10.0);
      assertThat(sum("job_executor:jvm_executor_queued_duration_seconds:p99_5m" + pool)).as("recorded p99 of queued time, s").isGreaterThan(0.25);
      assertThat(sum("max(jvm_executor_queued_oldest_seconds" + pool + ")")).as("oldest queued order, s").isGreaterThan(0.25);
      for (String alert : List.of("BlockedTimeExecutorQueuedSlow", "BlockedTimeExecutorSaturated")) {
        List<Alert> active =
            prometheus.alertRules().stream()
                .filter(r -> r.name().equals(alert))
                .flatMap(r -> r.alerts().stream())
                .filter(a -> "processors".equals(a.label("jvm_executor_name")))
                .toList();
        assertThat(active).as(alert + " for the processors").isNotEmpty();
        assertThat(active.get(0).label("job")).isEqualTo("intake");
        assertThat(active.get(0).state()).isIn("pending", "firing");
      }
    });
    // The processors' side: idle consumers waiting on the empty queue.
    assertThat(sum("jvm_queue_blocked_duration_seconds_count{job=\"intake\",jvm_queue_name=\"orders\",jvm_queue_operation=\"take\",jvm_queue_state=\"empty\"}"))
        .isGreaterThan(0);
  }

  /** Hot lock (15 s to 25 s): worker's gRPC threads queue for the inventory lock. */
  @Test
  @Order(3)
  void hotLockShowsAsLockWaitsOnTheInventoryLock() throws Exception {
    String lock = "{job=\"worker\",jvm_lock_name=\"inventory\",jvm_lock_type=\"ReentrantLock\",jvm_lock_operation=\"lock\",jvm_lock_mode=\"exclusive\",otel_scope_name=\"blocked-time\"}";
    eventually(seconds(40), () -> {
      double count = sum("jvm_lock_blocked_duration_seconds_count" + lock);
      double sum = sum("jvm_lock_blocked_duration_seconds_sum" + lock);
      assertThat(count).as("waits for the inventory lock").isGreaterThan(20);
      // Each holder keeps it 30 ms; a waiter queues behind at most the other gRPC threads (8).
      assertThat(sum / count).as("average lock wait, s").isBetween(1e-5, 1.0);
      assertThat(sum("histogram_quantile(0.99, sum by (le) (rate(jvm_lock_blocked_duration_seconds_bucket" + lock + "[1m])))"))
          .as("p99 lock wait over the last minute, s")
          .isBetween(0.001, 2.5);
      assertThat(values("jvm_lock_blocked_duration_seconds_count" + lock, "jvm_blocked_outcome")).isNotEmpty().isSubsetOf(OUTCOMES);
      assertThat(sum("job_instance_lock_operation:jvm_lock_blocked_duration_seconds_sum:rate5m{job=\"worker\",jvm_lock_name=\"inventory\",jvm_lock_operation=\"lock\"}"))
          .as("recorded blocked s/s on the inventory lock")
          .isGreaterThan(0);
    });
  }

  /** Worker stopped (25 s to 35 s): intake's wait-for-ready calls wait for the channel, up to their 5 s deadline. */
  @Test
  @Order(4)
  void stoppedWorkerShowsAsGrpcChannelWaits() throws Exception {
    String target = endpoints.getProperty("worker.grpc.target");
    String calls = "{job=\"intake\",grpc_target=\"" + target + "\",grpc_method=\"blockedtime.demo.Worker/Process\",grpc_wait_for_ready=\"true\"}";
    eventually(seconds(55), () -> {
      double count = sum("grpc_client_channel_wait_duration_seconds_count" + calls);
      double sum = sum("grpc_client_channel_wait_duration_seconds_sum" + calls);
      assertThat(count).as("calls that waited for the channel to " + target).isGreaterThan(0);
      assertThat(sum / count).as("average channel wait, s (the deadline is 5 s)").isBetween(1e-5, 5.5);
      assertThat(values("grpc_client_channel_wait_duration_seconds_count" + calls, "grpc_channel_state"))
          .isSubsetOf(CHANNEL_STATES)
          .as("waits that began while the worker was unreachable")
          .containsAnyOf("connecting", "transient_failure");
      assertThat(values("grpc_client_channel_wait_duration_seconds_count" + calls, "grpc_status"))
          .isSubsetOf(GRPC_CODES)
          .as("calls that gave up while the worker was down 10 s (twice their deadline), and calls that got through")
          .contains("DEADLINE_EXCEEDED", "OK");
      assertThat(sum("max_over_time(grpc_client_channel_waiting_calls{job=\"intake\",grpc_target=\"" + target + "\"}[2m])"))
          .as("calls waiting at some scrape while the worker was down")
          .isGreaterThan(0);
      assertThat(values("grpc_client_channel_state{job=\"intake\",grpc_target=\"" + target + "\"}", "grpc_channel_state")).isNotEmpty().isSubsetOf(CHANNEL_STATES);
    });
  }

  /** Deadlock (42 s): the two reconciliation threads wait for each other's lock, for good. */
  @Test
  @Order(5)
  void deadlockedThreadsAreLockWaitsThatNeverEnd() throws Exception {
    String stuck = "{job=\"worker\",jvm_lock_type=\"ReentrantLock\",jvm_lock_operation=\"lock\",jvm_lock_name=~\".*Reconciliation.*\"}";
    eventually(seconds(65), () -> {
      assertThat(sum("jvm_lock_blocked_threads" + stuck)).as("threads waiting on the reconciliation locks").isEqualTo(2);
      assertThat(sum("max(jvm_lock_blocked_oldest_seconds" + stuck + ")")).as("oldest of those waits, s").isGreaterThan(2);
    });
  }

  @Test
  @Order(6)
  void deadlockAlertFiresAfterTheSwitch() throws Exception {
    eventually(seconds(70), () -> {
      assertThat(sum("jvm_deadlock_threads{job=\"worker\"}")).as("jvm_deadlock_threads of worker").isGreaterThanOrEqualTo(2);
      List<Alert> firing =
          prometheus.alertRules().stream()
              .filter(r -> r.name().equals("BlockedTimeDeadlock"))
              .flatMap(r -> r.alerts().stream())
              .filter(a -> a.state().equals("firing"))
              .toList();
      assertThat(firing).as("BlockedTimeDeadlock alerts firing").isNotEmpty();
      assertThat(firing.get(0).label("job")).isEqualTo("worker");
      assertThat(firing.get(0).label("severity")).isEqualTo("critical");
    });
  }

  /** The real pipeline: Jaeger has the waits as span events, the Collector got the log records. */
  @Test
  @Order(7)
  void jaegerAndTheCollectorGetTheWaitsAndTheDeadlock() throws Exception {
    Assumptions.assumeTrue(pipeline, "no Go: the script ran without the Collector and Jaeger");
    JaegerApi jaeger = new JaegerApi(URI.create(endpoints.getProperty("jaeger.url")));
    eventually(seconds(60), () -> {
      List<JaegerApi.Wait> waits = jaeger.tracesWithWaits(List.of("intake", "worker"), "10m", 5).stream().flatMap(t -> t.waits().stream()).toList();
      assertThat(waits).extracting(w -> w.service() + " " + w.event())
          .contains("intake jvm.queue.blocked", "worker jvm.lock.blocked", "intake grpc.client.channel.wait");
      assertThat(waits).filteredOn(w -> w.event().equals("jvm.queue.blocked")).extracting(JaegerApi.Wait::what).anyMatch(w -> w.startsWith("orders "));
      assertThat(waits).filteredOn(w -> w.event().equals("jvm.lock.blocked")).extracting(JaegerApi.Wait::what).anyMatch(w -> w.startsWith("inventory "));
    });
    CollectorLogRecords records = new CollectorLogRecords(Paths.get(endpoints.getProperty("collector.logs.file")));
    eventually(seconds(70), () -> {
      records.refresh();
      assertThat(records.deadlocks()).extracting(CollectorLogRecords.Deadlock::service).contains("worker");
      assertThat(records.deadlocks().get(0).body()).startsWith("deadlock of 2 threads:").contains("Reconciliation");
      assertThat(records.stackRecords()).isPositive();
    });
  }

  /** Last: SIGTERM to the script (the runner it became) stops every process it started. */
  @Test
  @Order(8)
  void stopsEveryProcessItStartedOnExit() throws Exception {
    assertThat(started).as("processes started by the script").hasSizeGreaterThanOrEqualTo(4);
    Path tsdb = Paths.get(endpoints.getProperty("prometheus.tsdb"));
    script.destroy();
    assertThat(script.waitFor(40, TimeUnit.SECONDS)).as("the script exits after SIGTERM").isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (started.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(started.stream().filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().command().orElse("?")).toList())
        .as("processes still running after the script exited")
        .isEmpty();
    assertThat(tsdb).as("Prometheus's temporary storage").doesNotExist();
    assertThat(Files.readString(scriptOutput)).contains("stopped " + (pipeline ? 6 : 4) + " processes");
  }

  // ------------------------------------------------------------------------------------------

  private Instant seconds(long afterUp) {
    return up.plusSeconds(afterUp);
  }

  private interface Check {
    void run() throws Exception;
  }

  /** Retries the check every second until it passes or the deadline passes; then its last failure. */
  private void eventually(Instant deadline, Check check) throws Exception {
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | IOException e) {
        if (Instant.now().isAfter(deadline) || !script.isAlive()) {
          throw new AssertionError(e.getMessage() + "\n(gave up at t+" + Duration.between(up, Instant.now()).toSeconds() + "s; script output: " + scriptOutput + ")", e);
        }
      }
      Thread.sleep(1000);
    }
  }

  private double sum(String promql) throws IOException {
    return prometheus.query(promql).stream().mapToDouble(Series::value).sum();
  }

  private Set<String> values(String promql, String label) throws IOException {
    return prometheus.query(promql).stream().map(s -> s.label(label)).filter(v -> !v.isEmpty()).collect(Collectors.toSet());
  }

  /** Adds {@code label="value"} (or {@code label=~"regex"} for a value starting with ~) to a selector. */
  private static String withLabel(String selector, String label, String value) {
    String matcher = value.startsWith("~") ? label + "=~\"" + value.substring(1) + "\"" : label + "=\"" + value + "\"";
    return selector.substring(0, selector.length() - 1) + "," + matcher + "}";
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(scriptOutput);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
