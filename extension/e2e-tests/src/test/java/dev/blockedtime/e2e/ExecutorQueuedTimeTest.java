package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.GaugeSample;
import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.MetricInfo;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.harness.SpanEventRecord;
import dev.blockedtime.e2e.harness.SpanRecord;
import dev.blockedtime.e2e.scenarios.ExecutorScenarios;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Executor tasks' queued time, from one run of {@link ExecutorScenarios} under the real agent with
 * the extension, asserted on what arrived over OTLP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutorQueuedTimeTest {
  static final String DURATION = "jvm.executor.queued.duration";
  static final String SCENARIOS = ExecutorScenarios.class.getName();
  static final int MANY = 200_000;

  OtlpReceiver receiver;
  /** How long the task behind the busy one waited, as the scenario measured it (s). */
  double queuedSeconds;
  double handlerThirdSeconds;

  @BeforeAll
  void runScenarios() {
    receiver = new OtlpReceiver();
    try (ScenarioJvm jvm =
        ScenarioJvm.builder(ExecutorScenarios.class).receiver(receiver).args(String.valueOf(MANY)).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(120))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");
      String line = jvm.awaitLine("QUEUED_MS ", Duration.ofSeconds(1));
      queuedSeconds = Long.parseLong(line.substring(line.indexOf("QUEUED_MS ") + 10).trim()) / 1000.0;
      String handler = jvm.awaitLine("HANDLER_THIRD_MS ", Duration.ofSeconds(1));
      handlerThirdSeconds =
          Long.parseLong(handler.substring(handler.indexOf("HANDLER_THIRD_MS ") + 17).trim()) / 1000.0;
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  /** The latest (cumulative) point of the executor built in {@code scenario}. */
  HistogramPoint point(String scenario) {
    String prefix = SCENARIOS + "." + scenario + ":";
    List<HistogramPoint> matching =
        receiver.latestHistograms(DURATION).values().stream()
            .filter(p -> String.valueOf(p.attributes().get("jvm.executor.name")).startsWith(prefix))
            .collect(Collectors.toList());
    assertThat(matching).as("series of %s in %s", scenario, receiver.latestHistograms(DURATION).keySet()).hasSize(1);
    return matching.get(0);
  }

  List<GaugeSample> gauge(String metric, String scenario) {
    String prefix = SCENARIOS + "." + scenario + ":";
    return receiver.gaugeSamples(metric).stream()
        .filter(s -> String.valueOf(s.attributes().get("jvm.executor.name")).startsWith(prefix))
        .collect(Collectors.toList());
  }

  @Test
  void instrumentsAreTheContracts() {
    MetricInfo histogram = receiver.metric(DURATION).orElseThrow();
    assertThat(histogram.unit()).isEqualTo("s");
    assertThat(histogram.scopeName()).isEqualTo("blocked-time");
    assertThat(histogram.type()).isEqualTo(MetricInfo.Type.HISTOGRAM);
    assertThat(receiver.metric("jvm.executor.queued.tasks").orElseThrow().unit()).isEqualTo("{task}");
    assertThat(receiver.metric("jvm.executor.queued.oldest").orElseThrow().unit()).isEqualTo("s");
    // the agent's own executors (its metric reader's scheduler) and the JDK's (the virtual-thread
    // scheduler, built when the scenario's first virtual thread started) are never recorded
    assertThat(receiver.latestHistograms(DURATION).keySet())
        .noneSatisfy(a -> assertThat(String.valueOf(a.get("jvm.executor.name"))).contains("virtualThreads"));
    assertThat(receiver.latestHistograms(DURATION).keySet())
        .allSatisfy(a -> assertThat(String.valueOf(a.get("jvm.executor.name")))
            .matches(n -> n.startsWith(SCENARIOS + ".") || n.equals("common"), "an application executor"));
  }

  @Test
  void aTaskQueuedBehindABusyWorkerIsOnePointOfItsWait() {
    HistogramPoint p = point("busyWorkerInSpan");
    assertThat(p.attributes()).containsOnlyKeys("jvm.executor.name", "jvm.executor.type")
        .containsEntry("jvm.executor.type", "ThreadPoolExecutor");
    assertThat(p.count()).as("a warm-up task, the busy task and the one behind it").isEqualTo(3);
    // the worker was busy for 1.5 s, most of which the task waited (the scenario measured how much)
    assertThat(queuedSeconds).isGreaterThan(0.7);
    assertThat(p.max().orElseThrow()).as("the task behind the busy one")
        .isBetween(queuedSeconds - 0.05, queuedSeconds + 0.2);
    assertThat(p.min().orElseThrow()).as("the first task started at once").isLessThan(0.5);
    assertThat(p.sum() - p.max().orElseThrow()).as("the other two").isLessThan(0.5);
  }

  @Test
  void theGaugesShowTheQueuedTaskWhileItWaits() {
    assertThat(gauge("jvm.executor.queued.tasks", "busyWorkerInSpan"))
        .anySatisfy(s -> {
          assertThat(s.longValue()).isEqualTo(1);
          assertThat(s.attributes()).containsEntry("jvm.executor.type", "ThreadPoolExecutor");
        })
        .allSatisfy(s -> assertThat(s.longValue()).isBetween(0L, 1L));
    assertThat(gauge("jvm.executor.queued.oldest", "busyWorkerInSpan"))
        .anySatisfy(s -> assertThat(s.doubleValue()).isBetween(0.4, 3.0))
        .allSatisfy(s -> assertThat(s.doubleValue()).isLessThan(3.0));
  }

  @Test
  void theEventLandsOnTheSubmittersSpanStampedAtSubmission() {
    SpanRecord span =
        receiver.spans("submitter").stream().findFirst().orElseThrow(() -> new AssertionError(receiver.summary()));
    List<SpanEventRecord> events = span.events("jvm.executor.queued");
    assertThat(events).hasSize(1);
    SpanEventRecord event = events.get(0);
    assertThat(event.attributes())
        .containsEntry("jvm.executor.type", "ThreadPoolExecutor")
        .containsOnlyKeys("jvm.executor.name", "jvm.executor.type", "jvm.blocked.duration");
    assertThat(String.valueOf(event.attributes().get("jvm.executor.name")))
        .startsWith(SCENARIOS + ".busyWorkerInSpan:");
    double seconds = (Double) event.attributes().get("jvm.blocked.duration");
    assertThat(seconds).isEqualTo(point("busyWorkerInSpan").max().orElseThrow());
    // the histogram's exemplar for that wait points at the submitter's span, not the worker's
    // (the SDK reports an exemplar in the export after its measurement only)
    String prefix = SCENARIOS + ".busyWorkerInSpan:";
    assertThat(receiver.histogramPoints(DURATION).stream()
            .filter(p -> String.valueOf(p.attributes().get("jvm.executor.name")).startsWith(prefix))
            .flatMap(p -> p.exemplarSpanIds().stream()))
        .contains(span.spanId());
    // stamped at submission: just after the span began, and one queued time before the task ran
    // (the span ends right after the task ran)
    assertThat(event.timeUnixNano() - span.startTimeUnixNano()).isBetween(0L, 200_000_000L);
    long waitNanos = (long) (seconds * 1e9);
    assertThat(span.endTimeUnixNano() - (event.timeUnixNano() + waitNanos)).isBetween(-5_000_000L, 300_000_000L);
  }

  @Test
  void aScheduledTaskRecordsItsLatenessFromWhenItFellDue() {
    HistogramPoint p = point("scheduledWhileBusy");
    assertThat(p.attributes()).containsEntry("jvm.executor.type", "ScheduledThreadPoolExecutor");
    assertThat(p.count()).isEqualTo(2);
    // due 200 ms in, started when the 1200 ms task ended: about 1 s late
    assertThat(p.max().orElseThrow()).isBetween(0.8, 2.0);
    assertThat(p.min().orElseThrow()).isLessThan(0.3);
    assertThat(gauge("jvm.executor.queued.tasks", "scheduledWhileBusy"))
        .anySatisfy(s -> assertThat(s.longValue()).isEqualTo(1));
  }

  @Test
  void theCommonPoolIsNamedCommon() {
    List<HistogramPoint> common =
        receiver.latestHistograms(DURATION).values().stream()
            .filter(p -> "common".equals(p.attributes().get("jvm.executor.name")))
            .collect(Collectors.toList());
    assertThat(common).hasSize(1);
    HistogramPoint p = common.get(0);
    assertThat(p.attributes()).containsEntry("jvm.executor.type", "ForkJoinPool");
    // the blocker, the task and the CompletableFuture behind it, and the parallel stream's
    // external forks (how many depends on how the stream split)
    assertThat(p.count()).isGreaterThanOrEqualTo(3);
    assertThat(p.max().orElseThrow()).as("the task behind the blocker").isBetween(0.7, 2.5);
  }

  @Test
  void everyTaskOnAnIdlePoolIsOnePoint() {
    HistogramPoint p = point("manyTasksOnIdlePool");
    assertThat(p.count()).isEqualTo(MANY);
    assertThat(p.bucketCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(MANY);
  }

  /**
   * Each external submission to a fork/join pool is one point, whichever JDK wrapper carries it,
   * and the stages its tasks submit from inside it are none.
   */
  @Test
  void everyExternalForkJoinSubmissionIsOnePointAndAnInternalOneNone() {
    HistogramPoint p = point("forkJoinSubmissions");
    assertThat(p.attributes()).containsEntry("jvm.executor.type", "ForkJoinPool");
    assertThat(p.count()).isEqualTo(4L * ExecutorScenarios.FORK_JOIN_EACH);
  }

  @Test
  void aTaskTheApplicationsHandlerQueuesIsOnePointFromItsSubmission() {
    HistogramPoint p = point("handlerWaitsForSpace");
    assertThat(p.count()).as("the busy task, the queued one and the one that waited in the handler").isEqualTo(3);
    // the third waited about 300 ms in the handler and about 300 ms more in the queue
    assertThat(p.max().orElseThrow()).isBetween(handlerThirdSeconds - 0.1, handlerThirdSeconds + 0.05);
    assertThat(handlerThirdSeconds).isGreaterThan(0.4);
  }

  @Test
  void aRejectedTaskRecordsNothing() {
    HistogramPoint p = point("rejected");
    assertThat(p.count()).as("only the task that ran").isEqualTo(1);
  }
}
