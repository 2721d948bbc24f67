package dev.blockedtime.e2e.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.safety.LockStress;
import dev.blockedtime.e2e.scenarios.safety.QueueStress;
import dev.blockedtime.e2e.scenarios.safety.SaturatedTimeouts;
import dev.blockedtime.e2e.scenarios.safety.StressScenario;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The extension never changes what the application's queues and locks do: under load (eight
 * producers and eight consumers per queue, eight threads per lock; blocking, timed and
 * interrupted calls), every element arrives exactly once, every protected counter is exact, and
 * every thread ends. {@link StressScenario} runs under the agent with the extension and, at the
 * same time, under the agent alone; both must report exactly the same results. The extension's
 * run must also have recorded waits for every workload, and one probe wait per worker thread
 * after it: a thread whose wait tracking a run had left in a bad state would not record it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SemanticsUnderLoadTest {
  static final String QUEUE_DURATION = "jvm.queue.blocked.duration";
  static final String LOCK_DURATION = "jvm.lock.blocked.duration";
  static final String QUEUE_SITES = QueueStress.class.getName() + ".";
  static final String LOCK_SITES = LockStress.class.getName() + ".";
  static final Set<String> OUTCOMES = Set.of("ok", "timeout", "interrupted");

  /** The deterministic part of a result line: equal with and without the extension. */
  static final List<String> QUEUE_KEYS =
      List.of("workload", "threads", "produced", "consumed", "sum", "duplicates", "lost", "stuck", "probes");
  static final List<String> LOCK_KEYS =
      List.of("workload", "threads", "expected", "actual", "violations", "stuck", "probes");

  OtlpReceiver receiver;
  OtlpReceiver agentAloneReceiver;
  ScenarioJvm withExtension;
  ScenarioJvm agentAlone;
  long platformPhaseEnd;

  @BeforeAll
  void runBothConcurrently() {
    receiver = new OtlpReceiver();
    agentAloneReceiver = new OtlpReceiver();
    try (ScenarioJvm extension = ScenarioJvm.builder(StressScenario.class).receiver(receiver).start();
        ScenarioJvm alone =
            ScenarioJvm.builder(StressScenario.class)
                .name("StressScenario-agent-alone")
                .receiver(agentAloneReceiver)
                .withExtension(false)
                .start()) {
      withExtension = extension;
      agentAlone = alone;
      assertThat(extension.waitFor(Duration.ofSeconds(240))).as(extension.output()).isZero();
      assertThat(alone.waitFor(Duration.ofSeconds(120))).as(alone.output()).isZero();
    }
    platformPhaseEnd = ResultLine.only(withExtension, "phase").longValue("epochNanos");
  }

  @AfterAll
  void stop() {
    receiver.close();
    agentAloneReceiver.close();
  }

  static List<ResultLine> results(ScenarioJvm jvm, String name, String threads) {
    return ResultLine.named(jvm, name).stream()
        .filter(r -> r.get("threads").equals(threads))
        .collect(Collectors.toList());
  }

  @Test
  void bothRunsEndNormally() {
    for (ScenarioJvm jvm : List.of(withExtension, agentAlone)) {
      assertThat(jvm.output())
          .contains("DONE")
          .doesNotContain("UNEXPECTED", "STUCK", "[blocked-time] WARN", "Exception in thread");
    }
  }

  @Test
  void everyElementArrivesExactlyOnceAndNoThreadIsLeftWaiting() {
    assertQueueResults("platform");
  }

  @Test
  void everyElementArrivesExactlyOnceOnVirtualThreads() {
    assumeTrue(
        ScenarioJvm.javaFeatureVersion(ScenarioJvm.defaultJava()) >= 21,
        "virtual threads need JDK 21+; this run's scenario JDK is older");
    assertQueueResults("virtual");
  }

  void assertQueueResults(String threads) {
    List<ResultLine> lines = results(withExtension, "queue", threads);
    assertThat(lines).hasSize(QueueStress.Workload.values().length);
    for (ResultLine r : lines) {
      assertThat(r.longValue("consumed")).as("%s", r).isEqualTo(r.longValue("produced"));
      assertThat(r.longValue("sum")).as("%s", r).isEqualTo(r.longValue("expectedSum"));
      assertThat(r.longValue("duplicates")).as("%s", r).isZero();
      assertThat(r.longValue("lost")).as("%s", r).isZero();
      assertThat(r.longValue("stuck")).as("%s", r).isZero();
      assertThat(r.longValue("stuckProducers")).as("%s", r).isZero();
      assertThat(r.longValue("probes")).as("%s", r).isEqualTo(QueueStress.PRODUCERS + QueueStress.CONSUMERS);
      assertThat(r.longValue("interrupts")).as("the interrupter reached the workers: %s", r).isPositive();
    }
    assertThat(project(results(agentAlone, "queue", threads), QUEUE_KEYS))
        .as("the same workload's results without the extension")
        .containsExactlyElementsOf(project(lines, QUEUE_KEYS));
  }

  @Test
  void everyLockKeepsWhatItProtectsExact() {
    List<ResultLine> lines = results(withExtension, "lock", "platform");
    assertThat(lines).hasSize(LockStress.Workload.values().length);
    for (ResultLine r : lines) {
      assertThat(r.longValue("actual")).as("%s", r).isEqualTo(r.longValue("expected"));
      assertThat(r.longValue("violations")).as("%s", r).isZero();
      assertThat(r.longValue("stuck")).as("%s", r).isZero();
      assertThat(r.longValue("probes")).as("%s", r).isEqualTo(LockStress.THREADS);
    }
    assertThat(project(results(agentAlone, "lock", "platform"), LOCK_KEYS))
        .as("the same workload's results without the extension")
        .containsExactlyElementsOf(project(lines, LOCK_KEYS));
  }

  static List<ResultLine> project(List<ResultLine> lines, List<String> keys) {
    return lines.stream().map(r -> r.keeping(keys)).collect(Collectors.toList());
  }

  // ---------------------------------------------------------------- the extension was there

  /** Total waits at sites starting with {@code prefix}, as of the latest export up to {@code until}. */
  long waits(String metric, String nameKey, String prefix, long until) {
    Map<Map<String, Object>, HistogramPoint> latest = new java.util.HashMap<>();
    for (HistogramPoint p : receiver.histogramPoints(metric)) {
      if (p.timeUnixNano() <= until && String.valueOf(p.attribute(nameKey)).startsWith(prefix)) {
        latest.put(p.attributes(), p);
      }
    }
    return latest.values().stream().mapToLong(HistogramPoint::count).sum();
  }

  List<HistogramPoint> finalPoints(String metric, String nameKey, String prefix) {
    return receiver.latestHistograms(metric).values().stream()
        .filter(p -> String.valueOf(p.attribute(nameKey)).startsWith(prefix))
        .collect(Collectors.toList());
  }

  @Test
  void everyQueueWorkloadRecordedWaitsWithValidAttributes() {
    Map<String, String> types =
        Map.of(
            "arrayBlockingQueue", "ArrayBlockingQueue",
            "linkedBlockingQueue", "LinkedBlockingQueue",
            "linkedBlockingDeque", "LinkedBlockingDeque",
            "priorityBlockingQueue", "PriorityBlockingQueue",
            "delayQueue", "DelayQueue",
            "synchronousQueueUnfair", "SynchronousQueue",
            "synchronousQueueFair", "SynchronousQueue",
            "linkedTransferQueue", "LinkedTransferQueue");
    for (QueueStress.Workload w : QueueStress.Workload.values()) {
      List<HistogramPoint> points = finalPoints(QUEUE_DURATION, "jvm.queue.name", QUEUE_SITES + w.factory + ":");
      assertThat(points).as("waits recorded for %s", w).isNotEmpty();
      assertThat(points)
          .allSatisfy(p -> {
            assertThat(p.attributes()).containsEntry("jvm.queue.type", types.get(w.factory));
            assertThat(OUTCOMES).contains((String) p.attribute("jvm.blocked.outcome"));
            assertThat(p.max().orElse(0)).as("no wait outlasts the run: %s", p).isLessThan(30.0);
            assertThat(p.sum()).isNotNegative();
          });
    }
    // interrupted calls are recorded as such
    assertThat(finalPoints(QUEUE_DURATION, "jvm.queue.name", QUEUE_SITES))
        .anySatisfy(p -> assertThat(p.attributes()).containsEntry("jvm.blocked.outcome", "interrupted"))
        .anySatisfy(p -> assertThat(p.attributes()).containsEntry("jvm.blocked.outcome", "timeout"));
  }

  @Test
  void everyLockWorkloadRecordedWaits() {
    for (LockStress.Workload w : LockStress.Workload.values()) {
      List<HistogramPoint> points = finalPoints(LOCK_DURATION, "jvm.lock.name", LOCK_SITES + w.factory + ":");
      assertThat(points).as("waits recorded for %s", w).isNotEmpty();
      assertThat(points)
          .allSatisfy(p -> {
            assertThat(OUTCOMES).contains((String) p.attribute("jvm.blocked.outcome"));
            assertThat(p.max().orElse(0)).isLessThan(30.0);
          });
    }
  }

  @Test
  void everyWorkerRecordsItsProbeWaitAfterTheRun() {
    String probe = QUEUE_SITES + "probeQueue:";
    long queueWorkloads = QueueStress.Workload.values().length;
    long perRun = queueWorkloads * (QueueStress.PRODUCERS + QueueStress.CONSUMERS);
    assertThat(waits(QUEUE_DURATION, "jvm.queue.name", probe, platformPhaseEnd))
        .as("probe waits of the platform workers")
        .isEqualTo(perRun);
    assertThat(finalPoints(QUEUE_DURATION, "jvm.queue.name", probe))
        .allSatisfy(p -> assertThat(p.attributes())
            .containsEntry("jvm.queue.operation", "poll")
            .containsEntry("jvm.queue.state", "empty")
            .containsEntry("jvm.blocked.outcome", "timeout"));
    long lockProbes = waits(LOCK_DURATION, "jvm.lock.name", LOCK_SITES + "probeLock:", Long.MAX_VALUE);
    assertThat(lockProbes).isEqualTo((long) LockStress.Workload.values().length * LockStress.THREADS);
  }

  @Test
  void virtualThreadWorkersRecordWaitsAndProbes() {
    assumeTrue(
        ScenarioJvm.javaFeatureVersion(ScenarioJvm.defaultJava()) >= 21,
        "virtual threads need JDK 21+; this run's scenario JDK is older");
    String probe = QUEUE_SITES + "probeQueue:";
    long perRun = (long) QueueStress.Workload.values().length * (QueueStress.PRODUCERS + QueueStress.CONSUMERS);
    assertThat(waits(QUEUE_DURATION, "jvm.queue.name", probe, Long.MAX_VALUE)
            - waits(QUEUE_DURATION, "jvm.queue.name", probe, platformPhaseEnd))
        .as("probe waits of the virtual workers")
        .isEqualTo(perRun);
    for (QueueStress.Workload w : QueueStress.Workload.values()) {
      String site = QUEUE_SITES + w.factory + ":";
      long before = waits(QUEUE_DURATION, "jvm.queue.name", site, platformPhaseEnd);
      long after = waits(QUEUE_DURATION, "jvm.queue.name", site, Long.MAX_VALUE);
      assertThat(after - before).as("waits of %s on virtual threads", w.name().toLowerCase(Locale.ROOT)).isPositive();
    }
  }

  /**
   * A timed {@code poll} that gives up is recorded even when it never parked: on JDK 17, {@code
   * SynchronousQueue} and {@code LinkedTransferQueue} yield before they park, and with every core
   * busy one yield can outlast a 1 ms timeout, so exactly the waits of an overloaded machine would
   * go missing if only parks counted. The {@code ArrayBlockingQueue} control parks every time.
   */
  @Test
  void everyTimedOutPollIsRecordedEvenWhenTheMachineIsSaturated() {
    StringBuilder counts = new StringBuilder();
    List<String> missing = new java.util.ArrayList<>();
    for (ResultLine r : ResultLine.named(withExtension, "saturated")) {
      String site = SaturatedTimeouts.class.getName() + "." + r.get("queue") + ":";
      long recorded = waits(QUEUE_DURATION, "jvm.queue.name", site, Long.MAX_VALUE);
      counts.append(' ').append(r.get("queue")).append('=').append(recorded).append('/').append(r.get("timedOut"));
      if (recorded != r.longValue("timedOut")) {
        missing.add(r.get("queue"));
      }
    }
    System.out.println("timed-out polls recorded under CPU saturation:" + counts);
    assertThat(ResultLine.named(withExtension, "saturated")).hasSize(SaturatedTimeouts.FACTORIES.length);
    assertThat(missing)
        .as("timed-out polls not recorded (recorded/timed out:%s)", counts)
        .isEmpty();
  }

  /** The numbers behind the assertions, for the test report. */
  @AfterAll
  void report() {
    if (withExtension == null) {
      return;
    }
    StringBuilder sb = new StringBuilder("recorded waits with the extension:");
    for (QueueStress.Workload w : QueueStress.Workload.values()) {
      sb.append(' ').append(w.factory).append('=')
          .append(waits(QUEUE_DURATION, "jvm.queue.name", QUEUE_SITES + w.factory + ":", Long.MAX_VALUE));
    }
    for (LockStress.Workload w : LockStress.Workload.values()) {
      sb.append(' ').append(w.factory).append('=')
          .append(waits(LOCK_DURATION, "jvm.lock.name", LOCK_SITES + w.factory + ":", Long.MAX_VALUE));
    }
    System.out.println(sb);
    for (ResultLine r : ResultLine.all(withExtension)) {
      System.out.println("with extension: " + r);
    }
    for (ResultLine r : ResultLine.all(agentAlone)) {
      System.out.println("agent alone:    " + r);
    }
  }
}
