package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.GaugeSample;
import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.MetricInfo;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.harness.SpanEventRecord;
import dev.blockedtime.e2e.harness.SpanRecord;
import dev.blockedtime.e2e.scenarios.GrpcChannelStateScenario;
import dev.blockedtime.e2e.scenarios.GrpcWaitScenarios;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * gRPC channel readiness against a real grpc-java server and client on loopback, under the real
 * agent (which instruments gRPC itself): the waits of {@link GrpcWaitScenarios} on the newest and
 * an older gRPC line, the channel gauges through one channel's life ({@link
 * GrpcChannelStateScenario}), and the switch that turns it all off.
 */
class GrpcChannelWaitTest {
  static final String WAIT = "grpc.client.channel.wait.duration";
  static final String WAITING = "grpc.client.channel.waiting.calls";
  static final String STATES = "grpc.client.channel.state";
  static final String EVENT = "grpc.client.channel.wait";
  static final String SERVICE = "e2e.Echo/";
  static final List<String> LIVE_STATES = List.of("idle", "connecting", "ready", "transient_failure");
  static final List<Double> BUCKETS =
      List.of(0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

  /** The wait cases, run once per gRPC line; the nested classes below say which. */
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class WaitCases {
    OtlpReceiver receiver;
    ScenarioJvm scenario;
    Map<String, String> targets;

    abstract String grpcVersion();

    /** Adjusts the scenario JVM (its class path) for this gRPC line. */
    ScenarioJvm.Builder configure(ScenarioJvm.Builder builder) {
      return builder;
    }

    @BeforeAll
    void runScenarios() {
      receiver = new OtlpReceiver();
      try (ScenarioJvm jvm =
          configure(ScenarioJvm.builder(GrpcWaitScenarios.class).receiver(receiver)).start()) {
        scenario = jvm;
        assertThat(jvm.waitFor(Duration.ofSeconds(120))).as(jvm.output()).isZero();
        assertThat(jvm.output())
            .contains("DONE", "GRPC_VERSION " + grpcVersion())
            .contains("deadline: DEADLINE_EXCEEDED", "failfast: UNAVAILABLE", "failfast again: UNAVAILABLE")
            .doesNotContain("[blocked-time] WARN");
        targets = targets(jvm);
      }
      receiver.awaitUntil(
          "the client spans of the late calls",
          () -> clientSpan("LateStream") != null && clientSpan("DeadlineNoServer") != null,
          Duration.ofSeconds(10));
    }

    @AfterAll
    void stop() {
      receiver.close();
    }

    List<HistogramPoint> points(String method) {
      return receiver.latestHistograms(WAIT).values().stream()
          .filter(p -> (SERVICE + method).equals(p.attributes().get("grpc.method")))
          .collect(Collectors.toList());
    }

    HistogramPoint only(String method) {
      List<HistogramPoint> matching = points(method);
      assertThat(matching)
          .as("%s among %s", method, receiver.latestHistograms(WAIT).keySet())
          .hasSize(1);
      assertThat(matching.get(0).count()).isEqualTo(1);
      return matching.get(0);
    }

    SpanRecord clientSpan(String method) {
      return receiver.spans().stream()
          .filter(s -> s.name().equals(SERVICE + method) && s.kind().equals("CLIENT"))
          .findFirst()
          .orElse(null);
    }

    @Test
    void histogramIsTheContractsInstrument() {
      MetricInfo info = receiver.metric(WAIT).orElseThrow();
      assertThat(info.unit()).isEqualTo("s");
      assertThat(info.type()).isEqualTo(MetricInfo.Type.HISTOGRAM);
      assertThat(info.scopeName()).isEqualTo("blocked-time");
      assertThat(receiver.histogramPoints(WAIT).get(0).explicitBounds()).isEqualTo(BUCKETS);
    }

    @Test
    void callsWaitingForALateServerEachRecordOneOkWaitOfAtLeastTheDelay() {
      for (String method : List.of("LateBlocking", "LateFuture", "LateAsync", "LateStream")) {
        HistogramPoint p = only(method);
        assertThat(p.attributes())
            .as(method)
            .containsEntry("grpc.target", targets.get("late"))
            .containsEntry("grpc.wait_for_ready", true)
            .containsEntry("grpc.status", "OK")
            .containsOnlyKeys(
                "grpc.target", "grpc.method", "grpc.channel.state", "grpc.wait_for_ready", "grpc.status");
        // a fresh channel: idle when the first call came; later ones may see it connecting or failing
        assertThat(p.attributes().get("grpc.channel.state"))
            .as(method)
            .isIn("idle", "connecting", "transient_failure");
        assertThat(p.sum()).as(method).isBetween(0.5, 10.0);
      }
      assertThat(only("LateBlocking").attributes()).containsEntry("grpc.channel.state", "idle");
    }

    @Test
    void callsOnAReadyChannelRecordNothing() {
      for (String method : List.of("ReadyBlocking", "ReadyFuture", "ReadyAsync", "ReadyStream")) {
        assertThat(points(method)).as(method).isEmpty();
        assertThat(clientSpan(method)).as(method).isNotNull();
        assertThat(clientSpan(method).events(EVENT)).as(method).isEmpty();
      }
    }

    @Test
    void waitForReadyWithADeadlineAndNoServerEndsDeadlineExceeded() {
      HistogramPoint p = only("DeadlineNoServer");
      assertThat(p.attributes())
          .containsEntry("grpc.status", "DEADLINE_EXCEEDED")
          .containsEntry("grpc.wait_for_ready", true)
          .containsEntry("grpc.channel.state", "idle");
      assertThat(p.sum()).isBetween(0.28, 1.5);
    }

    @Test
    void credentialsInTheTargetNeverReachTheTelemetry() {
      assertThat(targets.get("deadline")).contains("user:secret@");
      String expected = targets.get("deadline").replace("user:secret@", "");
      assertThat(only("DeadlineNoServer").attributes()).containsEntry("grpc.target", expected);
      assertThat(clientSpan("DeadlineNoServer").events(EVENT).get(0).attributes())
          .containsEntry("grpc.target", expected);
      assertThat(receiver.latestHistograms(WAIT).keySet())
          .allSatisfy(a -> assertThat(a.toString()).doesNotContain("secret"));
    }

    @Test
    void failFastCallsWithNoServerEndUnavailable() {
      HistogramPoint p = only("FailFastNoServer");
      assertThat(p.attributes())
          .containsEntry("grpc.status", "UNAVAILABLE")
          .containsEntry("grpc.wait_for_ready", false)
          .containsEntry("grpc.channel.state", "idle")
          .containsEntry("grpc.target", targets.get("failfast"));
      assertThat(p.sum()).isLessThan(5.0);
      // the channel is in transient failure now: the next fail-fast call fails as soon as it
      // starts, a point of about zero seconds for a call lost to the channel's state
      HistogramPoint again = only("FailFastInTransientFailure");
      assertThat(again.attributes())
          .containsEntry("grpc.status", "UNAVAILABLE")
          .containsEntry("grpc.wait_for_ready", false);
      assertThat(again.attributes().get("grpc.channel.state")).isIn("transient_failure", "connecting");
      assertThat(again.sum()).isLessThan(0.5);
    }

    @Test
    void theWaitIsAnEventOnTheAgentsClientSpanWhenTheWaitBegan() {
      for (String method : List.of("LateBlocking", "LateFuture", "LateAsync", "LateStream", "DeadlineNoServer")) {
        SpanRecord client = clientSpan(method);
        assertThat(client).as(method).isNotNull();
        assertThat(client.scopeName()).as(method).doesNotContain("blocked-time");
        SpanRecord parent =
            receiver.spans().stream()
                .filter(s -> s.spanId().equals(client.parentSpanId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no parent span of " + client));
        assertThat(parent.name()).isEqualTo("call " + method);
        assertThat(parent.traceId()).isEqualTo(client.traceId());

        List<SpanEventRecord> events = client.events(EVENT);
        assertThat(events).as(method).hasSize(1);
        SpanEventRecord event = events.get(0);
        HistogramPoint point = only(method);
        Map<String, Object> expected = new HashMap<>(point.attributes());
        assertThat(event.attributes()).as(method).containsAllEntriesOf(expected);
        assertThat(event.attributes()).containsOnlyKeys(
            "grpc.target", "grpc.method", "grpc.channel.state", "grpc.wait_for_ready", "grpc.status",
            "grpc.channel.wait.duration");
        double seconds = (Double) event.attributes().get("grpc.channel.wait.duration");
        assertThat(seconds).as(method).isCloseTo(point.sum(), org.assertj.core.data.Offset.offset(1e-6));
        // timestamped when the wait began: the call's start(), after its span started (the first
        // call of the JVM loads gRPC's classes in between) and within the span
        assertThat(event.timeUnixNano() - client.startTimeUnixNano())
            .as(method)
            .isBetween(-5_000_000L, 1_000_000_000L);
        assertThat(event.timeUnixNano() + (long) (seconds * 1e9)).isLessThanOrEqualTo(client.endTimeUnixNano() + 5_000_000L);
      }
    }

    @Test
    void noOtherSeries() {
      assertThat(receiver.latestHistograms(WAIT).keySet())
          .extracting(a -> (String) a.get("grpc.method"))
          .containsExactlyInAnyOrder(
              SERVICE + "LateBlocking", SERVICE + "LateFuture", SERVICE + "LateAsync",
              SERVICE + "LateStream", SERVICE + "DeadlineNoServer", SERVICE + "FailFastNoServer",
              SERVICE + "FailFastInTransientFailure");
    }
  }

  @Nested
  class OnTheNewestGrpc extends WaitCases {
    @Override
    String grpcVersion() {
      return System.getProperty("blockedtime.grpc.version");
    }
  }

  @Nested
  class OnAnOlderGrpcLine extends WaitCases {
    @Override
    String grpcVersion() {
      return System.getProperty("blockedtime.grpc.older.version");
    }

    @Override
    ScenarioJvm.Builder configure(ScenarioJvm.Builder builder) {
      return builder.classpath(olderGrpcClasspath()).name("GrpcWaitScenarios-grpc-" + grpcVersion());
    }
  }

  // ---------------------------------------------------------------- the channel gauges

  @Test
  void channelGaugesFollowOneChannelThroughItsLife() {
    try (OtlpReceiver live = new OtlpReceiver();
        ScenarioJvm jvm = ScenarioJvm.builder(GrpcChannelStateScenario.class).receiver(live).start()) {
      String target = jvm.awaitLine("TARGET state ", Duration.ofSeconds(30)).split(" ")[2];

      Instant at = step(jvm, "STEP idle", null);
      awaitStates(live, target, at, Map.of("idle", 1L));
      assertThat(live.metric(STATES).orElseThrow().unit()).isEqualTo("{channel}");
      assertThat(live.metric(STATES).orElseThrow().type()).isEqualTo(MetricInfo.Type.GAUGE);
      assertThat(live.metric(WAITING).orElseThrow().unit()).isEqualTo("{call}");

      at = step(jvm, "STEP ready", "start");
      awaitStates(live, target, at, Map.of("ready", 1L));

      at = step(jvm, "STEP stopped", "stop");
      String down = lastLine(jvm, "STEP stopped ").substring("STEP stopped ".length()).toLowerCase();
      assertThat(down).isIn("idle", "connecting", "transient_failure");
      awaitStates(live, target, at, Map.of(down, 1L));

      at = step(jvm, "STEP ready-again", "restart");
      awaitStates(live, target, at, Map.of("ready", 1L));

      // a call waiting for seconds shows in the waiting-calls gauge while it waits
      at = step(jvm, "STEP waiting", "long-wait");
      Instant waitingSince = at;
      live.awaitUntil(
          "a waiting call in " + WAITING,
          () -> samples(live, WAITING, target, waitingSince).stream().anyMatch(s -> s.longValue() == 1),
          Duration.ofMillis(GrpcChannelStateScenario.LONG_WAIT_MS));
      at = step(jvm, "STEP wait-ended", null);
      assertThat(lastLine(jvm, "STEP wait-ended")).endsWith("DEADLINE_EXCEEDED");
      Instant ended = at;
      live.awaitUntil(
          "no waiting call once the wait ended",
          () -> {
            List<GaugeSample> after = samples(live, WAITING, target, ended);
            return !after.isEmpty() && after.get(after.size() - 1).longValue() == 0;
          },
          Duration.ofSeconds(5));
      assertThat(live.latestHistograms(WAIT).values())
          .filteredOn(p -> (SERVICE + "LongWait").equals(p.attributes().get("grpc.method")))
          .singleElement()
          .satisfies(p -> {
            assertThat(p.attributes()).containsEntry("grpc.status", "DEADLINE_EXCEEDED");
            assertThat(p.sum()).isBetween(2.9, 4.0);
          });

      // thousands of channels created, then half shut down and half dropped: nothing stays
      String leak = GrpcChannelStateScenario.LEAK_TARGET;
      at = step(jvm, "STEP leak-held", "leak");
      awaitStates(live, leak, at, Map.of("idle", (long) GrpcChannelStateScenario.LEAK_CHANNELS));
      at = step(jvm, "STEP leak-dropped", "drop");
      assertThat(lastLine(jvm, "STEP leak-dropped")).endsWith("collected=true");
      awaitGone(live, leak, at);
      awaitLiveChannels(live, target, at, 1); // the scenario's own channel is still there

      // shut down: the channel leaves both gauges
      at = step(jvm, "STEP shutdown", "shutdown");
      awaitGone(live, target, at);

      jvm.sendLine("exit");
      assertThat(jvm.waitFor(Duration.ofSeconds(30))).as(jvm.output()).isZero();
      assertThat(jvm.output()).doesNotContain("[blocked-time] WARN");
    }
  }

  /** Sends {@code signal} (if any), waits for the scenario's marker, returns when it was seen. */
  static Instant step(ScenarioJvm jvm, String marker, String signal) {
    if (signal != null) {
      jvm.sendLine(signal);
    }
    jvm.awaitLine(marker, Duration.ofSeconds(60));
    return Instant.now();
  }

  static String lastLine(ScenarioJvm jvm, String prefix) {
    List<String> lines = jvm.lines().stream().filter(l -> l.startsWith(prefix)).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  /** Samples of a gauge for one target, received after {@code after}, in arrival order. */
  static List<GaugeSample> samples(OtlpReceiver r, String metric, String target, Instant after) {
    return r.gaugeSamples(metric).stream()
        .filter(s -> target.equals(s.attributes().get("grpc.target")))
        .filter(s -> s.receivedAt().isAfter(after))
        .collect(Collectors.toList());
  }

  /**
   * Waits for an export after {@code after} in which the target's channels are exactly {@code
   * expected} (every other live state 0).
   */
  static void awaitStates(OtlpReceiver r, String target, Instant after, Map<String, Long> expected) {
    r.awaitAsserted(
        () -> {
          Map<String, Long> latest = new HashMap<>();
          for (GaugeSample s : samples(r, STATES, target, after)) {
            latest.put((String) s.attributes().get("grpc.channel.state"), s.longValue());
          }
          Map<String, Long> want = new HashMap<>();
          for (String state : LIVE_STATES) {
            want.put(state, expected.getOrDefault(state, 0L));
          }
          assertThat(latest).as("%s channels of %s", STATES, target).isEqualTo(want);
        },
        Duration.ofSeconds(10));
  }

  /** Waits for an export after {@code after} that counts {@code expected} channels of the target. */
  static void awaitLiveChannels(OtlpReceiver r, String target, Instant after, long expected) {
    r.awaitAsserted(
        () -> {
          Map<String, Long> latest = new HashMap<>();
          for (GaugeSample s : samples(r, STATES, target, after)) {
            latest.put((String) s.attributes().get("grpc.channel.state"), s.longValue());
          }
          assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(LIVE_STATES);
          assertThat(latest.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(expected);
        },
        Duration.ofSeconds(10));
  }

  /** Waits for two exports after {@code after} and checks the target is in neither gauge. */
  static void awaitGone(OtlpReceiver r, String target, Instant after) {
    int exports = r.metricExportCount();
    r.awaitUntil("two more exports", () -> r.metricExportCount() >= exports + 2, Duration.ofSeconds(10));
    Instant settled = Instant.now();
    int more = r.metricExportCount();
    r.awaitUntil("one more export", () -> r.metricExportCount() >= more + 1, Duration.ofSeconds(10));
    assertThat(samples(r, STATES, target, settled)).as("%s of %s", STATES, target).isEmpty();
    assertThat(samples(r, WAITING, target, settled)).as("%s of %s", WAITING, target).isEmpty();
  }

  // ---------------------------------------------------------------- the switch

  @Test
  void grpcEnabledFalseTurnsThePartOff() {
    try (OtlpReceiver off = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(GrpcWaitScenarios.class)
                .receiver(off)
                .name("GrpcWaitScenarios-grpc-disabled")
                .systemProperty("otel.instrumentation.blocked-time.grpc.enabled", "false")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(120))).as(jvm.output()).isZero();
      off.awaitUntil(
          "the agent's own client spans",
          () -> off.spans().stream().anyMatch(s -> s.name().equals(SERVICE + "DeadlineNoServer")),
          Duration.ofSeconds(10));
      assertThat(off.metricNames()).noneMatch(n -> n.startsWith("grpc.client.channel."));
      assertThat(off.spans()).allSatisfy(s -> assertThat(s.events(EVENT)).isEmpty());
    }
  }

  // ---------------------------------------------------------------- helpers

  /** {@code TARGET <name> <target>} lines of a scenario. */
  static Map<String, String> targets(ScenarioJvm jvm) {
    Map<String, String> targets = new HashMap<>();
    for (String line : jvm.lines()) {
      if (line.startsWith("TARGET ")) {
        String[] parts = line.split(" ");
        targets.put(parts[1], parts[2]);
      }
    }
    return targets;
  }

  /**
   * The scenario class path with the older gRPC line instead of the newest: the test classes, the
   * test JVM's class path without any gRPC jar or blocked-time artifact, and the older jars.
   */
  static String olderGrpcClasspath() {
    Set<String> entries = new LinkedHashSet<>();
    entries.add(System.getProperty("blockedtime.test.classpath"));
    String own = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : own.split(File.pathSeparator)) {
      String e = entry.replace('\\', '/');
      String file = e.substring(e.lastIndexOf('/') + 1);
      boolean grpc = e.contains("/io/grpc/");
      boolean ours = (file.startsWith("blocked-time-") && file.endsWith(".jar"))
          || e.contains("/extension/javaagent/target/")
          || e.contains("/extension/bootstrap/target/");
      if (!entry.isBlank() && !grpc && !ours) {
        entries.add(entry);
      }
    }
    Path older = Path.of(System.getProperty("blockedtime.grpc.older.classpath"));
    try (Stream<Path> jars = Files.list(older)) {
      List<String> found = new ArrayList<>();
      jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> found.add(p.toString()));
      assertThat(found).as("gRPC jars in %s", older).hasSizeGreaterThanOrEqualTo(6);
      entries.addAll(found);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return String.join(File.pathSeparator, entries);
  }
}
