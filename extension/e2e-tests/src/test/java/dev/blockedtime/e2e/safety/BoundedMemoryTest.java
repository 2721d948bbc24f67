package dev.blockedtime.e2e.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.LogRecordData;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.safety.BoundedMemoryScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Memory and cardinality stay bounded whatever the application does. One run of {@link
 * BoundedMemoryScenario}: a million short-lived queues and locks (half each) leave the live heap
 * where it was (the same churn runs beside it under the agent alone, for the cost); then 3000 distinct code paths and 1500 distinct allocation sites, more than the
 * extension keeps apart (2000 stack hashes, 1000 resource names), end up in bounded series,
 * without losing a single wait.
 *
 * <p>The heap is pinned ({@code -Xmx512m}) so that the measurement does not depend on the
 * machine's memory: the weak registry of resources keeps entries the last GC cleared until the
 * next registration, and how many those are depends on the young generation's size.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoundedMemoryTest {
  static final int CHURN = 500_000; // queues, and as many locks: a million resources
  static final int WARM_UP = 20_000; // Churn's warm-up round, same code paths
  static final int PATHS = 3000;
  static final int SITES = 1500;
  static final int MAX_HASHES = 1000; // StackTable.MAX_HASHES
  static final int MAX_NAMES = 500; // ResourceName.MAX_NAMES
  static final String QUEUE_DURATION = "jvm.queue.blocked.duration";
  static final String LOCK_DURATION = "jvm.lock.blocked.duration";
  static final String SCENARIOS = "dev.blockedtime.e2e.scenarios.safety.";

  OtlpReceiver receiver;
  ScenarioJvm jvm;
  /** The churn alone under the agent without the extension: the cost baseline. */
  ScenarioJvm agentAlone;

  @BeforeAll
  void run() {
    Path generated = GeneratedSites.compile(SITES);
    receiver = new OtlpReceiver();
    try (OtlpReceiver agentAloneReceiver = new OtlpReceiver();
        ScenarioJvm scenario =
            ScenarioJvm.builder(BoundedMemoryScenario.class)
                .receiver(receiver)
                .addClasspath(generated.toString())
                .jvmArg("-Xmx512m")
                .systemProperty("otel.instrumentation.blocked-time.stack-threshold", "0")
                .systemProperty("otel.instrumentation.blocked-time.stack-depth", "64")
                .args(String.valueOf(CHURN), String.valueOf(PATHS), String.valueOf(SITES))
                .start();
        ScenarioJvm alone =
            ScenarioJvm.builder(BoundedMemoryScenario.class)
                .name("BoundedMemoryScenario-agent-alone")
                .receiver(agentAloneReceiver)
                .withExtension(false)
                .jvmArg("-Xmx512m")
                .args(String.valueOf(CHURN), "0", "0")
                .start()) {
      jvm = scenario;
      agentAlone = alone;
      assertThat(scenario.waitFor(Duration.ofSeconds(200))).as(scenario.output()).isZero();
      assertThat(scenario.output()).contains("DONE").doesNotContain("internal error in blocked-time");
      assertThat(alone.waitFor(Duration.ofSeconds(100))).as(alone.output()).isZero();
    }
    // the final export (on exit) holds everything; wait until it is in
    receiver.awaitUntil(
        "the sites' waits are exported",
        () -> lockWaits(GeneratedSites.CLASS_NAME) > 0,
        Duration.ofSeconds(10));
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  Collection<HistogramPoint> histograms(String metric) {
    return receiver.latestHistograms(metric).values();
  }

  long lockWaits(String namePrefix) {
    return histograms(LOCK_DURATION).stream()
        .filter(p -> String.valueOf(p.attribute("jvm.lock.name")).startsWith(namePrefix))
        .mapToLong(HistogramPoint::count)
        .sum();
  }

  long queueWaits(String namePrefix) {
    return histograms(QUEUE_DURATION).stream()
        .filter(p -> String.valueOf(p.attribute("jvm.queue.name")).startsWith(namePrefix))
        .mapToLong(HistogramPoint::count)
        .sum();
  }

  // ---------------------------------------------------------------- memory

  @Test
  void aMillionShortLivedQueuesAndLocksLeaveTheHeapFlat() {
    ResultLine churn = ResultLine.only(jvm, "churn");
    ResultLine baseline = ResultLine.only(agentAlone, "churn");
    System.out.println("churn with the extension: " + churn);
    System.out.println("churn under the agent alone: " + baseline);
    assertThat(churn.longValue("resources")).isEqualTo(2L * CHURN);
    assertThat(churn.doubleValue("growthMb")).as("live heap growth after GC, %s", churn).isLessThan(20.0);
    assertThat(churn.doubleValue("growthAfterOneMoreMb")).as("%s", churn).isLessThan(20.0);
    assertThat(churn.doubleValue("seconds")).as("a million constructions take reasonable time").isLessThan(120.0);
  }

  /**
   * Every 1000th resource waits once; the waits of the lock-based queues and of every lock type
   * are recorded exactly once each. (The rendezvous queues' timed polls can time out without
   * parking and go unrecorded: see {@code SemanticsUnderLoadTest}, a known product bug; here they
   * only must not be counted twice.)
   */
  @Test
  void everyChurnWaitIsRecordedOnce() {
    // Churn.queue(i) and Churn.lock(i) rotate through the types by i; every 1000th i waits, in
    // the warm-up round and in the measured one
    String[] queueTypes = {"ArrayBlockingQueue", "LinkedBlockingQueue", "LinkedBlockingDeque",
        "PriorityBlockingQueue", "SynchronousQueue", "LinkedTransferQueue", "DelayQueue"};
    Map<String, Long> expected = new TreeMap<>();
    for (int round : new int[] {WARM_UP, CHURN}) {
      for (int i = 0; i < round; i += 1000) {
        expected.merge(queueTypes[i % queueTypes.length], 1L, Long::sum);
      }
    }
    Map<String, Long> recorded = new TreeMap<>();
    for (String type : queueTypes) {
      recorded.put(type, queueWaitsOfType(type));
    }
    long waitsEach = (CHURN + WARM_UP) / 1000;
    System.out.println("churn queue waits recorded " + recorded + " of " + expected
        + "; lock waits " + lockWaits(SCENARIOS + "Churn.") + " of " + waitsEach);
    for (String type : queueTypes) {
      if (type.equals("SynchronousQueue") || type.equals("LinkedTransferQueue")) {
        assertThat(recorded.get(type)).as(type).isLessThanOrEqualTo(expected.get(type));
      } else {
        assertThat(recorded.get(type)).as(type).isEqualTo(expected.get(type));
      }
    }
    assertThat(lockWaits(SCENARIOS + "Churn.")).isEqualTo(waitsEach);
    // one series per type and line, however many instances were built there
    Set<Object> queueNames =
        histograms(QUEUE_DURATION).stream()
            .map(p -> p.attribute("jvm.queue.name"))
            .filter(n -> String.valueOf(n).startsWith(SCENARIOS + "Churn."))
            .collect(Collectors.toSet());
    assertThat(queueNames).hasSize(7);
  }

  long queueWaitsOfType(String type) {
    return histograms(QUEUE_DURATION).stream()
        .filter(p -> String.valueOf(p.attribute("jvm.queue.name")).startsWith(SCENARIOS + "Churn."))
        .filter(p -> type.equals(p.attribute("jvm.queue.type")))
        .mapToLong(HistogramPoint::count)
        .sum();
  }

  // ---------------------------------------------------------------- stack hashes

  @Test
  void distinctStackHashesAreCapped() {
    assertThat(ResultLine.only(jvm, "stacks").longValue("waits")).isEqualTo(PATHS);
    List<HistogramPoint> all = new ArrayList<>(histograms(QUEUE_DURATION));
    all.addAll(histograms(LOCK_DURATION));
    Set<Object> hashes =
        all.stream()
            .map(p -> p.attribute("code.stacktrace.hash"))
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    System.out.println("distinct stack hashes exported: " + hashes.size()
        + "; queue series: " + histograms(QUEUE_DURATION).size()
        + "; lock series: " + histograms(LOCK_DURATION).size());
    assertThat(hashes.size()).isLessThanOrEqualTo(MAX_HASHES);
    assertThat(jvm.lines().stream().filter(l -> l.contains("distinct stack hashes; further waits")))
        .hasSize(1);
  }

  @Test
  void theStackRecordIsLoggedOncePerHashAndNeverPastTheCap() {
    List<LogRecordData> records = receiver.logEvents("jvm.blocked.stack");
    Set<Object> logged =
        records.stream().map(r -> r.attribute("code.stacktrace.hash")).collect(Collectors.toSet());
    assertThat(logged).hasSize(records.size());
    assertThat(records.size()).isLessThanOrEqualTo(MAX_HASHES).isGreaterThan(MAX_HASHES - 100);
  }

  /**
   * KNOWN PRODUCT BUG (fails until fixed). The SDK keeps at most {@code
   * otel.java.metrics.cardinality.limit} (2000 by default) series per instrument and folds every
   * later one into a single series marked {@code otel.metric.overflow}, which carries no queue or
   * lock attribute at all. The extension caps stack hashes at 2000 ({@code
   * StackTable.MAX_HASHES}), and every hash is at least one series of its own next to all the
   * hashless ones, so the cap cannot keep a histogram below the SDK's limit: 3000 code paths push
   * {@code jvm.queue.blocked.duration} over it, and from then on every new series of any queue
   * (here: the hashless series of the waits past the cap) loses its name, type and operation.
   */
  @Test
  void theExtensionsCapsKeepEveryHistogramBelowTheSdksCardinalityLimit() {
    for (String metric : List.of(QUEUE_DURATION, LOCK_DURATION)) {
      List<HistogramPoint> overflow =
          histograms(metric).stream()
              .filter(p -> p.attributes().containsKey("otel.metric.overflow"))
              .collect(Collectors.toList());
      assertThat(overflow)
          .as("PRODUCT BUG: %s has %s series, %s waits of them in the SDK's overflow series %s",
              metric, histograms(metric).size(),
              overflow.stream().mapToLong(HistogramPoint::count).sum(),
              overflow.stream().map(HistogramPoint::attributes).collect(Collectors.toList()))
          .isEmpty();
    }
    String paths = SCENARIOS + "Cardinality.pathsQueue:";
    List<HistogramPoint> pathPoints =
        histograms(QUEUE_DURATION).stream()
            .filter(p -> String.valueOf(p.attribute("jvm.queue.name")).startsWith(paths))
            .collect(Collectors.toList());
    assertThat(pathPoints.stream().filter(p -> p.attribute("code.stacktrace.hash") == null).count())
        .as("waits past the hash cap are recorded without a hash")
        .isEqualTo(1);
    assertThat(pathPoints.stream().mapToLong(HistogramPoint::count).sum())
        .as("every one of the %s waits is recorded under its queue's name", PATHS)
        .isEqualTo(PATHS);
  }

  // ---------------------------------------------------------------- resource names

  @Test
  void distinctResourceNamesAreCappedAndNoWaitIsLost() {
    ResultLine sites = ResultLine.only(jvm, "sites");
    assertThat(sites.longValue("waits")).isEqualTo(SITES);
    Set<Object> names =
        histograms(LOCK_DURATION).stream().map(p -> p.attribute("jvm.lock.name")).collect(Collectors.toSet());
    names.addAll(
        histograms(QUEUE_DURATION).stream().map(p -> p.attribute("jvm.queue.name")).collect(Collectors.toSet()));
    assertThat(names.size()).isLessThanOrEqualTo(MAX_NAMES + 1); // + "_other"
    List<HistogramPoint> overflow =
        histograms(LOCK_DURATION).stream()
            .filter(p -> "_other".equals(p.attribute("jvm.lock.name")))
            .collect(Collectors.toList());
    assertThat(overflow).isNotEmpty().allSatisfy(p -> assertThat(p.attributes())
        .containsEntry("jvm.lock.type", "Semaphore")
        .containsEntry("jvm.lock.operation", "try_acquire"));
    assertThat(lockWaits(GeneratedSites.CLASS_NAME + ".make:") + lockWaits("_other"))
        .as("every one of the %s sites' waits is recorded, named or as _other", SITES)
        .isEqualTo(SITES);
    assertThat(jvm.lines().stream().filter(l -> l.contains("distinct resource names; further ones"))).hasSize(1);
  }
}
