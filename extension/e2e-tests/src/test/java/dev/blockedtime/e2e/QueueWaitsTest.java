package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.LogRecordData;
import dev.blockedtime.e2e.harness.MetricInfo;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.harness.SpanEventRecord;
import dev.blockedtime.e2e.harness.SpanRecord;
import dev.blockedtime.e2e.scenarios.QueueScenarios;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every queue type and outcome, from one run of {@link QueueScenarios} under the real agent with
 * the extension, asserted on what arrived over OTLP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueueWaitsTest {
  static final String DURATION = "jvm.queue.blocked.duration";
  static final String SCENARIOS = QueueScenarios.class.getName();

  OtlpReceiver receiver;

  @BeforeAll
  void runScenarios() {
    receiver = new OtlpReceiver();
    try (ScenarioJvm jvm = ScenarioJvm.builder(QueueScenarios.class).receiver(receiver).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(90))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  /** The latest (cumulative) point of every series of the queue built in {@code scenario}. */
  List<HistogramPoint> points(String scenario) {
    String prefix = SCENARIOS + "." + scenario + ":";
    return receiver.latestHistograms(DURATION).values().stream()
        .filter(p -> String.valueOf(p.attributes().get("jvm.queue.name")).startsWith(prefix))
        .collect(Collectors.toList());
  }

  HistogramPoint onlyPoint(String scenario, String operation) {
    List<HistogramPoint> matching =
        points(scenario).stream()
            .filter(p -> operation.equals(p.attributes().get("jvm.queue.operation")))
            .collect(Collectors.toList());
    assertThat(matching).as("series of %s %s in %s", scenario, operation, points(scenario)).hasSize(1);
    HistogramPoint point = matching.get(0);
    assertThat(point.count()).as("waits of %s %s", scenario, operation).isEqualTo(1);
    return point;
  }

  static void assertAttributes(HistogramPoint p, String type, String state, String outcome) {
    assertThat(p.attributes())
        .containsEntry("jvm.queue.type", type)
        .containsEntry("jvm.queue.state", state)
        .containsEntry("jvm.blocked.outcome", outcome);
  }

  @Test
  void instrumentIsTheContractsHistogram() {
    MetricInfo info = receiver.metric(DURATION).orElseThrow();
    assertThat(info.unit()).isEqualTo("s");
    assertThat(info.scopeName()).isEqualTo("blocked-time");
    assertThat(info.type()).isEqualTo(MetricInfo.Type.HISTOGRAM);
    HistogramPoint any = points("emptyTakeInSpan").get(0);
    assertThat(any.explicitBounds())
        .containsExactly(
            0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);
  }

  @Test
  void consumerOnEmptyQueueInsideSpan() {
    HistogramPoint p = onlyPoint("emptyTakeInSpan", "take");
    assertAttributes(p, "ArrayBlockingQueue", "empty", "ok");
    assertThat(p.sum()).isBetween(0.15, 2.0);
    // the one wait sits in the bucket whose bounds hold its duration
    int bucket = 0;
    while (bucket < p.explicitBounds().size() && p.sum() > p.explicitBounds().get(bucket)) {
      bucket++;
    }
    assertThat(bucket).isIn(13, 14); // (0.1, 0.25] or, on a slow start, (0.25, 0.5]
    assertThat(p.bucketCounts().get(bucket)).isEqualTo(1L);
    String hash = (String) p.attributes().get("code.stacktrace.hash");
    assertThat(hash).matches("[0-9a-f]{16}");

    SpanRecord span =
        receiver.spans("consumer").stream().findFirst().orElseThrow(() -> new AssertionError(receiver.summary()));
    List<SpanEventRecord> events = span.events("jvm.queue.blocked");
    assertThat(events).hasSize(1);
    SpanEventRecord event = events.get(0);
    assertThat(event.attributes())
        .containsEntry("jvm.queue.operation", "take")
        .containsEntry("jvm.queue.state", "empty")
        .containsEntry("jvm.queue.type", "ArrayBlockingQueue")
        .containsEntry("jvm.blocked.outcome", "ok")
        .containsEntry("code.stacktrace.hash", hash)
        .containsKeys("jvm.queue.name", "thread.name", "thread.id", "code.stacktrace");
    assertThat((Double) event.attributes().get("jvm.blocked.duration")).isBetween(0.15, 2.0);
    assertThat((String) event.attributes().get("code.stacktrace"))
        .startsWith(SCENARIOS + ".emptyTakeInSpan:");
    // stamped when the wait began: inside the span, and one wait's duration before the span ended
    long waitNanos = (long) ((Double) event.attributes().get("jvm.blocked.duration") * 1e9);
    assertThat(event.timeUnixNano()).isGreaterThanOrEqualTo(span.startTimeUnixNano());
    assertThat(span.endTimeUnixNano() - (event.timeUnixNano() + waitNanos))
        .isBetween(-5_000_000L, 150_000_000L); // span end follows the wait's end
  }

  @Test
  void firstWaitWithAStackLogsItOnce() {
    HistogramPoint p = onlyPoint("emptyTakeInSpan", "take");
    String hash = (String) p.attributes().get("code.stacktrace.hash");
    List<LogRecordData> records =
        receiver.logEvents("jvm.blocked.stack").stream()
            .filter(r -> hash.equals(r.attributes().get("code.stacktrace.hash")))
            .collect(Collectors.toList());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).attributes())
        .containsEntry("jvm.blocked.kind", "queue")
        .containsEntry("jvm.queue.type", "ArrayBlockingQueue")
        .containsEntry("jvm.queue.name", p.attributes().get("jvm.queue.name"));
    assertThat((String) records.get(0).attributes().get("code.stacktrace"))
        .startsWith(SCENARIOS + ".emptyTakeInSpan:")
        .contains(SCENARIOS + ".main:");
    assertThat(records.get(0).scopeName()).isEqualTo("blocked-time");
  }

  @Test
  void producerOnFullQueue() {
    HistogramPoint p = onlyPoint("fullPut", "put");
    assertAttributes(p, "ArrayBlockingQueue", "full", "ok");
    assertThat(p.sum()).isBetween(0.15, 2.0);
  }

  @Test
  void timedPollThatGivesUp() {
    HistogramPoint p = onlyPoint("timedPollGivesUp", "poll");
    assertAttributes(p, "LinkedBlockingQueue", "empty", "timeout");
    assertThat(p.sum()).isBetween(0.09, 1.0);
  }

  @Test
  void interruptedTake() {
    HistogramPoint p = onlyPoint("interruptedTake", "take_first");
    assertAttributes(p, "LinkedBlockingDeque", "empty", "interrupted");
    assertThat(p.sum()).isBetween(0.05, 1.5); // interrupted 150 ms after the taker started
  }

  @Test
  void everyDequeVariantIsNamedForTheMethodCalled() {
    assertAttributes(onlyPoint("dequeVariants", "put_last"), "LinkedBlockingDeque", "full", "ok");
    assertAttributes(onlyPoint("dequeVariants", "offer_first"), "LinkedBlockingDeque", "full", "timeout");
    assertAttributes(onlyPoint("dequeVariants", "take_first"), "LinkedBlockingDeque", "empty", "ok");
    assertAttributes(onlyPoint("dequeVariants", "poll_last"), "LinkedBlockingDeque", "empty", "ok");
    assertAttributes(onlyPoint("dequeVariants", "take"), "LinkedBlockingDeque", "empty", "ok");
    assertThat(points("dequeVariants")).hasSize(5);
  }

  @Test
  void priorityAndDelayQueues() {
    assertAttributes(onlyPoint("priorityTake", "take"), "PriorityBlockingQueue", "empty", "ok");
    HistogramPoint delay = onlyPoint("delayTake", "take");
    assertAttributes(delay, "DelayQueue", "empty", "ok");
    assertThat(delay.sum()).isBetween(0.12, 1.5);
  }

  @Test
  void synchronousQueueRendezvousFairAndUnfair() {
    assertAttributes(onlyPoint("synchronousUnfair", "put"), "SynchronousQueue", "full", "ok");
    assertThat(onlyPoint("synchronousUnfair", "put").sum()).isBetween(0.15, 2.0);
    assertAttributes(onlyPoint("synchronousFair", "take"), "SynchronousQueue", "empty", "ok");
    assertThat(onlyPoint("synchronousFair", "take").sum()).isBetween(0.15, 2.0);
  }

  @Test
  void transferQueue() {
    assertAttributes(onlyPoint("transferQueue", "transfer"), "LinkedTransferQueue", "full", "ok");
    assertAttributes(onlyPoint("transferQueue", "try_transfer"), "LinkedTransferQueue", "full", "timeout");
    assertAttributes(onlyPoint("transferQueue", "poll"), "LinkedTransferQueue", "empty", "ok");
    assertAttributes(onlyPoint("transferQueue", "take"), "LinkedTransferQueue", "empty", "ok");
  }

  @Test
  void executorIdleWorkerIsNamedAfterTheLineThatBuiltTheExecutor() {
    List<HistogramPoint> worker = points("executorIdleWorker");
    assertThat(worker).isNotEmpty();
    assertThat(worker)
        .allSatisfy(
            p -> {
              assertThat(p.attributes())
                  .containsEntry("jvm.queue.type", "LinkedBlockingQueue")
                  .containsEntry("jvm.queue.operation", "take")
                  .containsEntry("jvm.queue.state", "empty");
            });
    // the 300 ms idle wait ends when shutdown() interrupts the worker
    assertThat(worker)
        .anySatisfy(p -> assertThat(p.attributes()).containsEntry("jvm.blocked.outcome", "interrupted"));
  }

  @Test
  void applicationSubclassIsRecordedAsItsJdkTypeAndNamedWhereItWasBuilt() {
    // the subclass's own constructor is skipped: one subclass built at two lines is two names
    List<HistogramPoint> sub = points("subclassTake");
    assertThat(sub).hasSize(2);
    assertThat(sub.get(0).attributes().get("jvm.queue.name"))
        .isNotEqualTo(sub.get(1).attributes().get("jvm.queue.name"));
    for (HistogramPoint p : sub) {
      assertThat(p.count()).isEqualTo(1);
      assertAttributes(p, "ArrayBlockingQueue", "empty", "ok");
      assertThat(p.attributes()).containsEntry("jvm.queue.operation", "take");
    }
  }

  @Test
  void operationsThatNeverWaitRecordNothing() {
    assertThat(points("neverWaits")).isEmpty();
  }

  @Test
  void onlyTheApplicationsQueuesAreRecorded() {
    // the agent's own span and log processors wait on ArrayBlockingQueues all the time
    assertThat(receiver.latestHistograms(DURATION).keySet())
        .allSatisfy(attrs -> assertThat((String) attrs.get("jvm.queue.name")).startsWith("dev.blockedtime.e2e."));
  }

  @Test
  void shortWaitsCarryNoStackHash() {
    for (Map<String, Object> attrs : receiver.latestHistograms(DURATION).keySet()) {
      // every wait in this scenario is far above the 1 ms stack threshold
      assertThat(attrs).containsKey("code.stacktrace.hash");
    }
  }

  @Test
  void sameCodePathGetsTheSameHashAfterARestart() {
    String first = (String) onlyPoint("fullPut", "put").attributes().get("code.stacktrace.hash");
    try (OtlpReceiver second = new OtlpReceiver();
        ScenarioJvm jvm = ScenarioJvm.builder(QueueScenarios.class).receiver(second).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(90))).isZero();
      String prefix = SCENARIOS + ".fullPut:";
      assertThat(second.latestHistograms(DURATION).keySet())
          .filteredOn(a -> String.valueOf(a.get("jvm.queue.name")).startsWith(prefix))
          .extracting(a -> a.get("code.stacktrace.hash"))
          .containsExactly(first);
    }
  }
}
