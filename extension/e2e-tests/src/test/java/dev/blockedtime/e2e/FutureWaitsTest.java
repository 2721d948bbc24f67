package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.GaugeSample;
import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.LogRecordData;
import dev.blockedtime.e2e.harness.MetricInfo;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.harness.SpanEventRecord;
import dev.blockedtime.e2e.harness.SpanRecord;
import dev.blockedtime.e2e.scenarios.FutureScenarios;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Waits for futures and joins, from one run of {@link FutureScenarios}: each case waits about
 * 200 ms in a method of its own, so the first frame of its stack tells its points apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FutureWaitsTest {
  static final String DURATION = "jvm.future.blocked.duration";
  static final String SCENARIOS = FutureScenarios.class.getName();

  OtlpReceiver receiver;
  String output;

  @BeforeAll
  void runScenarios() {
    receiver = new OtlpReceiver();
    try (ScenarioJvm jvm = ScenarioJvm.builder(FutureScenarios.class).receiver(receiver).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(120))).as(jvm.output()).isZero();
      output = jvm.output();
      assertThat(output).contains("DONE").doesNotContain("[blocked-time] WARN");
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  /** The first frame of the stack behind each hash, from the jvm.blocked.stack records. */
  Map<String, String> topFrames() {
    return receiver.logEvents("jvm.blocked.stack").stream()
        .collect(Collectors.toMap(
            l -> (String) l.attributes().get("code.stacktrace.hash"),
            l -> ((String) l.attributes().get("code.stacktrace")).split("\n")[0],
            (a, b) -> a));
  }

  /** Points of {@code metric} whose stack starts in {@code method} of the scenarios. */
  List<HistogramPoint> points(String metric, String method) {
    Map<String, String> top = topFrames();
    String prefix = SCENARIOS + "." + method + ":";
    return receiver.latestHistograms(metric).values().stream()
        .filter(p -> String.valueOf(top.get(p.attributes().get("code.stacktrace.hash"))).startsWith(prefix))
        .collect(Collectors.toList());
  }

  /** The one point of {@code method}: exactly one wait, of about 200 ms, with these attributes. */
  HistogramPoint only(String method, String type, String operation, String outcome) {
    List<HistogramPoint> all = points(DURATION, method);
    assertThat(all).as("%s among %s", method, receiver.latestHistograms(DURATION).values()).hasSize(1);
    HistogramPoint p = all.get(0);
    assertThat(p.count()).isEqualTo(1);
    assertThat(p.attributes())
        .containsEntry("jvm.future.type", type)
        .containsEntry("jvm.future.operation", operation)
        .containsEntry("jvm.blocked.outcome", outcome)
        .containsKey("code.stacktrace.hash")
        .hasSize(4);
    assertThat(p.sum()).isBetween(0.1, 3.0); // the other side finishes after 200 ms
    return p;
  }

  /** No queue or lock point comes from the same wait (the parks and latches beneath it). */
  void nothingElseFrom(String method) {
    assertThat(points("jvm.lock.blocked.duration", method)).isEmpty();
    assertThat(points("jvm.queue.blocked.duration", method)).isEmpty();
    assertThat(receiver.latestHistograms("jvm.lock.blocked.duration").values())
        .extracting(p -> String.valueOf(p.attributes().get("jvm.lock.name")))
        .noneMatch(n -> n.startsWith(SCENARIOS + "." + method + ":"));
  }

  @Test
  void theInstrumentIsTheContractsHistogram() {
    MetricInfo info = receiver.metric(DURATION).orElseThrow();
    assertThat(info.unit()).isEqualTo("s");
    assertThat(info.scopeName()).isEqualTo("blocked-time");
  }

  @Test
  void completableFutureGetAndJoin() {
    only("completableGet", "CompletableFuture", "get", "ok");
    only("completableJoin", "CompletableFuture", "join", "ok");
    nothingElseFrom("completableGet");
    nothingElseFrom("completableJoin");
  }

  @Test
  void aTimedGetThatGivesUpIsATimeoutOfItsTimeout() {
    HistogramPoint p = only("completableTimedGetGivesUp", "CompletableFuture", "get", "timeout");
    assertThat(p.sum()).isBetween(0.19, 1.5);
  }

  @Test
  void anInterruptedGetIsInterrupted() {
    only("completableGetInterrupted", "CompletableFuture", "get", "interrupted");
  }

  @Test
  void futureTaskGetIsOnePointAndNothingElse() {
    only("futureTaskGet", "FutureTask", "get", "ok");
    nothingElseFrom("futureTaskGet");
  }

  @Test
  void forkJoinTaskGetAndJoinFromOutsideThePool() {
    List<HistogramPoint> all = points(DURATION, "forkJoinFromOutside");
    assertThat(all)
        .extracting(p -> p.attributes().get("jvm.future.type") + " " + p.attributes().get("jvm.future.operation")
            + " " + p.attributes().get("jvm.blocked.outcome") + " " + p.count())
        .containsExactlyInAnyOrder("ForkJoinTask get ok 1", "ForkJoinTask join ok 1");
    assertThat(all).allSatisfy(p -> assertThat(p.sum()).isBetween(0.05, 3.0));
    nothingElseFrom("forkJoinFromOutside");
  }

  @Test
  void aJoinInASpanAddsAnEventStampedWhenTheWaitBegan() {
    HistogramPoint p = only("joinInSpan", "CompletableFuture", "join", "ok");
    SpanRecord span = receiver.spans("fan-in").get(0);
    List<SpanEventRecord> events = span.events("jvm.future.blocked");
    assertThat(events).hasSize(1);
    SpanEventRecord e = events.get(0);
    assertThat(e.attributes())
        .containsEntry("jvm.future.type", "CompletableFuture")
        .containsEntry("jvm.future.operation", "join")
        .containsEntry("jvm.blocked.outcome", "ok")
        .containsEntry("code.stacktrace.hash", p.attributes().get("code.stacktrace.hash"))
        .containsEntry("thread.name", "main")
        .containsKeys("jvm.blocked.duration", "thread.id", "code.stacktrace");
    long waitNanos = (long) ((Double) e.attributes().get("jvm.blocked.duration") * 1e9);
    assertThat(waitNanos).isBetween(150_000_000L, 3_000_000_000L);
    // stamped when the wait began: inside the span, and the span ends right after the wait (the
    // first use of the context API in a JVM can take most of a second before the wait begins)
    assertThat(e.timeUnixNano()).isGreaterThanOrEqualTo(span.startTimeUnixNano());
    assertThat(span.endTimeUnixNano() - (e.timeUnixNano() + waitNanos)).isBetween(-5_000_000L, 150_000_000L);
  }

  @Test
  void aMillionJoinsOfACompletedFutureRecordNothing() {
    assertThat(output).contains("COMPLETED_JOINS " + FutureScenarios.COMPLETED_JOINS);
    assertThat(points(DURATION, "completedJoins")).isEmpty();
    assertThat(points(DURATION, "doneFutureTaskGet")).isEmpty();
    // every CompletableFuture join point is one of the two joins that waited
    long joins = receiver.latestHistograms(DURATION).values().stream()
        .filter(p -> "CompletableFuture".equals(p.attributes().get("jvm.future.type")))
        .filter(p -> "join".equals(p.attributes().get("jvm.future.operation")))
        .mapToLong(HistogramPoint::count)
        .sum();
    assertThat(joins).isEqualTo(2);
    long futureTaskGets = receiver.latestHistograms(DURATION).values().stream()
        .filter(p -> "FutureTask".equals(p.attributes().get("jvm.future.type")))
        .mapToLong(HistogramPoint::count)
        .sum();
    assertThat(futureTaskGets).isEqualTo(1);
  }

  @Test
  void aVirtualThreadsJoinIsOneJoinAndNotItsLatch() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ScenarioJvm.javaFeatureVersion(ScenarioJvm.defaultJava()) >= 21,
        "virtual threads need JDK 21+; this run's scenario JDK is older");
    only("virtualThreadJoin", "Thread", "join", "ok");
    nothingElseFrom("virtualThreadJoin");
  }

  @Test
  void stackRecordsNameTheFutureAndItsCallerFirst() {
    HistogramPoint p = only("futureTaskGet", "FutureTask", "get", "ok");
    List<LogRecordData> records = receiver.logEvents("jvm.blocked.stack").stream()
        .filter(l -> p.attributes().get("code.stacktrace.hash").equals(l.attributes().get("code.stacktrace.hash")))
        .collect(Collectors.toList());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).attributes())
        .containsEntry("jvm.blocked.kind", "future")
        .containsEntry("jvm.future.type", "FutureTask")
        .containsEntry("jvm.future.operation", "get");
    String[] frames = ((String) records.get(0).attributes().get("code.stacktrace")).split("\n");
    assertThat(frames[0]).startsWith(SCENARIOS + ".futureTaskGet:");
    assertThat(frames[1]).startsWith(SCENARIOS + ".main:");
  }

  @Test
  void aThreadStuckOnAFutureShowsInBothGaugesWhileItWaits() {
    try (OtlpReceiver live = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(FutureScenarios.class).name("FutureScenarios-stuck").receiver(live).args("stuck").start()) {
      jvm.awaitLine("WAITING", Duration.ofSeconds(90));
      live.awaitUntil(
          "jvm.future.blocked.oldest over a second for CompletableFuture get",
          () -> live.gaugeSamples("jvm.future.blocked.oldest").stream()
              .anyMatch(s -> "CompletableFuture".equals(s.attributes().get("jvm.future.type"))
                  && "get".equals(s.attributes().get("jvm.future.operation"))
                  && s.doubleValue() > 1.0),
          Duration.ofSeconds(30));
      List<GaugeSample> threads = live.gaugeSamples("jvm.future.blocked.threads");
      assertThat(threads)
          .anySatisfy(s -> {
            assertThat(s.attributes())
                .containsEntry("jvm.future.type", "CompletableFuture")
                .containsEntry("jvm.future.operation", "get")
                .hasSize(2);
            assertThat(s.longValue()).isEqualTo(1);
          });
      assertThat(live.metric("jvm.future.blocked.threads").orElseThrow().unit()).isEqualTo("{thread}");
      assertThat(live.metric("jvm.future.blocked.oldest").orElseThrow().unit()).isEqualTo("s");
      jvm.sendLine("RELEASE");
      assertThat(jvm.waitFor(Duration.ofSeconds(30))).as(jvm.output()).isZero();
      List<HistogramPoint> points = List.copyOf(live.latestHistograms(DURATION).values());
      assertThat(points).singleElement().satisfies(p -> {
        assertThat(p.count()).isEqualTo(1);
        assertThat(p.sum()).isGreaterThan(1.0);
        assertThat(p.attributes()).containsEntry("jvm.future.operation", "get");
      });
    }
  }
}
