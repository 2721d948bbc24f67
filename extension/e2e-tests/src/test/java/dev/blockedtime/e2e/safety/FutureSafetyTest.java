package dev.blockedtime.e2e.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.FutureScenarios;
import dev.blockedtime.e2e.scenarios.safety.FutureStress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Futures and joins under load: {@link FutureStress} (eight callers fanning out and in, with
 * timeouts and interrupts, on platform and then virtual threads) computes the same sums with the
 * extension as under the agent alone, in two JVMs run at the same time, and the extension's run
 * recorded its waits with valid attributes. And the new settings: switched off, and malformed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FutureSafetyTest {
  static final String DURATION = "jvm.future.blocked.duration";
  static final Set<String> TYPES = Set.of("FutureTask", "CompletableFuture", "ForkJoinTask", "Thread");
  static final Set<String> OUTCOMES = Set.of("ok", "timeout", "interrupted");

  OtlpReceiver receiver;
  OtlpReceiver aloneReceiver;
  ScenarioJvm withExtension;
  ScenarioJvm agentAlone;

  @BeforeAll
  void runBothConcurrently() {
    receiver = new OtlpReceiver();
    aloneReceiver = new OtlpReceiver();
    try (ScenarioJvm extension = ScenarioJvm.builder(FutureStress.class).receiver(receiver).start();
        ScenarioJvm alone =
            ScenarioJvm.builder(FutureStress.class)
                .name("FutureStress-agent-alone")
                .receiver(aloneReceiver)
                .withExtension(false)
                .start()) {
      withExtension = extension;
      agentAlone = alone;
      assertThat(extension.waitFor(Duration.ofSeconds(240))).as(extension.output()).isZero();
      assertThat(alone.waitFor(Duration.ofSeconds(240))).as(alone.output()).isZero();
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
    aloneReceiver.close();
  }

  @Test
  void bothRunsEndNormallyWithTheSameResults() {
    for (ScenarioJvm jvm : List.of(withExtension, agentAlone)) {
      assertThat(jvm.output())
          .contains("DONE")
          .doesNotContain("UNEXPECTED", "[blocked-time] WARN", "Exception in thread");
    }
    List<ResultLine> lines = ResultLine.named(withExtension, "futures");
    int kinds = ScenarioJvm.javaFeatureVersion(ScenarioJvm.defaultJava()) >= 21 ? 2 : 1;
    assertThat(lines).hasSize(kinds);
    long timeoutRounds = (FutureStress.ROUNDS + FutureStress.TIMEOUT_EVERY - 1) / FutureStress.TIMEOUT_EVERY;
    long interruptRounds = (FutureStress.ROUNDS + FutureStress.INTERRUPT_EVERY - 1) / FutureStress.INTERRUPT_EVERY;
    for (ResultLine r : lines) {
      assertThat(r.longValue("stuck")).as("%s", r).isZero();
      assertThat(r.longValue("timeouts")).as("%s", r).isEqualTo(2 * timeoutRounds * FutureStress.CALLERS);
      assertThat(r.longValue("interrupts")).as("%s", r).isEqualTo(interruptRounds * FutureStress.CALLERS);
    }
    assertThat(ResultLine.named(agentAlone, "futures").stream().map(ResultLine::toString).collect(Collectors.toList()))
        .as("the same results without the extension")
        .containsExactlyElementsOf(lines.stream().map(ResultLine::toString).collect(Collectors.toList()));
  }

  @Test
  void theWaitsWereRecordedWithValidAttributes() {
    List<HistogramPoint> points = List.copyOf(receiver.latestHistograms(DURATION).values());
    assertThat(points).isNotEmpty();
    assertThat(points).allSatisfy(p -> {
      assertThat(TYPES).contains((String) p.attributes().get("jvm.future.type"));
      assertThat(Set.of("get", "join")).contains((String) p.attributes().get("jvm.future.operation"));
      assertThat(OUTCOMES).contains((String) p.attributes().get("jvm.blocked.outcome"));
      assertThat(p.max().orElse(0)).as("no wait outlasts the run: %s", p).isLessThan(60.0);
    });
    // every kind of wait the callers make shows up, timeouts and interrupts included
    assertThat(points.stream()
            .map(p -> p.attributes().get("jvm.future.type") + " " + p.attributes().get("jvm.future.operation"))
            .collect(Collectors.toSet()))
        .contains("FutureTask get", "CompletableFuture get", "CompletableFuture join", "ForkJoinTask get", "ForkJoinTask join");
    long interrupted = points.stream()
        .filter(p -> "interrupted".equals(p.attributes().get("jvm.blocked.outcome")))
        .mapToLong(HistogramPoint::count)
        .sum();
    long interruptsCounted = ResultLine.named(withExtension, "futures").stream().mapToLong(r -> r.longValue("interrupts")).sum();
    assertThat(interrupted).as("every interrupted get is recorded as such").isEqualTo(interruptsCounted);
    long timedOutFutureTasks = points.stream()
        .filter(p -> "timeout".equals(p.attributes().get("jvm.blocked.outcome")))
        .filter(p -> "FutureTask".equals(p.attributes().get("jvm.future.type")))
        .mapToLong(HistogramPoint::count)
        .sum();
    long timedOutFutures = points.stream()
        .filter(p -> "timeout".equals(p.attributes().get("jvm.blocked.outcome")))
        .filter(p -> "CompletableFuture".equals(p.attributes().get("jvm.future.type")))
        .mapToLong(HistogramPoint::count)
        .sum();
    long timeoutsCounted = ResultLine.named(withExtension, "futures").stream().mapToLong(r -> r.longValue("timeouts")).sum();
    assertThat(timedOutFutureTasks + timedOutFutures).as("every timed get that gave up").isEqualTo(timeoutsCounted);
    // and the agent alone recorded nothing of ours
    assertThat(aloneReceiver.metric(DURATION)).isEmpty();
  }

  @Test
  void switchedOffFuturesRecordNothing() {
    try (OtlpReceiver off = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(FutureScenarios.class)
                .name("FutureScenarios-off")
                .receiver(off)
                .systemProperty("otel.instrumentation.blocked-time.futures.enabled", "false")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(120))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");
      assertThat(off.metric(DURATION)).isEmpty();
      assertThat(off.metric("jvm.future.blocked.threads")).isEmpty();
      // the rest still runs: the executors' idle workers wait on their queues
      assertThat(off.metricNames()).contains("jvm.queue.blocked.duration");
    }
  }

  @Test
  void malformedValuesForTheNewKeysLogOneLineEachAndKeepTheDefaults() {
    try (OtlpReceiver bad = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(FutureScenarios.class)
                .name("FutureScenarios-bad-settings")
                .receiver(bad)
                .systemProperty("otel.instrumentation.blocked-time.futures.enabled", "banana")
                .env("OTEL_INSTRUMENTATION_BLOCKED_TIME_VIRTUAL_THREADS_ENABLED", "maybe")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(120))).as(jvm.output()).isZero();
      List<String> warnings =
          jvm.lines().stream().filter(l -> l.contains("[blocked-time] WARN")).collect(Collectors.toList());
      assertThat(warnings).hasSize(2);
      assertThat(warnings)
          .anySatisfy(l -> assertThat(l)
              .contains("otel.instrumentation.blocked-time.futures.enabled", "'banana'", "true or false", "using true"))
          .anySatisfy(l -> assertThat(l)
              .contains("otel.instrumentation.blocked-time.virtual-threads.enabled", "'maybe'", "true or false", "using true"));
      assertThat(jvm.output()).contains("DONE");
      // the default (on) applies: the futures are recorded
      assertThat(bad.latestHistograms(DURATION)).isNotEmpty();
    }
  }
}
