package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.MetricInfo;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.LockScenarios;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every lock type and outcome, from one run of {@link LockScenarios}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LockWaitsTest {
  static final String DURATION = "jvm.lock.blocked.duration";
  static final String SCENARIOS = LockScenarios.class.getName();

  OtlpReceiver receiver;

  @BeforeAll
  void runScenarios() {
    receiver = new OtlpReceiver();
    try (ScenarioJvm jvm = ScenarioJvm.builder(LockScenarios.class).receiver(receiver).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(120))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  List<HistogramPoint> points(String scenario) {
    String prefix = SCENARIOS + "." + scenario + ":";
    return receiver.latestHistograms(DURATION).values().stream()
        .filter(p -> String.valueOf(p.attributes().get("jvm.lock.name")).startsWith(prefix))
        .collect(Collectors.toList());
  }

  HistogramPoint only(String scenario, String type, String operation, String mode, String outcome) {
    List<HistogramPoint> matching =
        points(scenario).stream()
            .filter(p -> type.equals(p.attributes().get("jvm.lock.type")))
            .filter(p -> operation.equals(p.attributes().get("jvm.lock.operation")))
            .filter(p -> mode.equals(p.attributes().get("jvm.lock.mode")))
            .filter(p -> outcome.equals(p.attributes().get("jvm.blocked.outcome")))
            .collect(Collectors.toList());
    assertThat(matching)
        .as("%s %s %s %s %s among %s", scenario, type, operation, mode, outcome, points(scenario))
        .hasSize(1);
    assertThat(matching.get(0).count()).isEqualTo(1);
    assertThat(matching.get(0).attributes()).containsKey("code.stacktrace.hash");
    return matching.get(0);
  }

  @Test
  void instrumentIsTheContractsHistogram() {
    MetricInfo info = receiver.metric(DURATION).orElseThrow();
    assertThat(info.unit()).isEqualTo("s");
    assertThat(info.scopeName()).isEqualTo("blocked-time");
  }

  @Test
  void reentrantLockHeldByAnotherThread() {
    HistogramPoint p = only("lockHeldByAnotherThread", "ReentrantLock", "lock", "exclusive", "ok");
    // the first case of the JVM: class loading eats into the holder's 200 ms before lock() runs
    assertThat(p.sum()).isBetween(0.05, 2.0);
    assertThat(points("lockHeldByAnotherThread")).hasSize(1);
  }

  @Test
  void lockWaitInsideASpanAddsAnEventWhenTheWaitBegan() {
    HistogramPoint p = only("lockInSpan", "ReentrantLock", "lock", "exclusive", "ok");
    dev.blockedtime.e2e.harness.SpanRecord span = receiver.spans("locker").get(0);
    // (the span also holds the short latch wait inside holdFor: every wait ≥ 1 ms is an event)
    List<dev.blockedtime.e2e.harness.SpanEventRecord> events =
        span.events("jvm.lock.blocked").stream()
            .filter(e -> "ReentrantLock".equals(e.attributes().get("jvm.lock.type")))
            .collect(Collectors.toList());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).attributes())
        .containsEntry("jvm.lock.type", "ReentrantLock")
        .containsEntry("jvm.lock.operation", "lock")
        .containsEntry("jvm.lock.mode", "exclusive")
        .containsEntry("jvm.blocked.outcome", "ok")
        .containsEntry("jvm.lock.name", p.attributes().get("jvm.lock.name"))
        .containsEntry("code.stacktrace.hash", p.attributes().get("code.stacktrace.hash"))
        .containsKeys("jvm.blocked.duration", "thread.name", "thread.id", "code.stacktrace");
    // the stack's top is the application's lock(), below the lock's own frames
    assertThat((String) events.get(0).attributes().get("code.stacktrace"))
        .startsWith(SCENARIOS + ".lockInSpan:");
    // the point is recorded in the waiting thread's context: its exemplar points at the span (the
    // SDK reports an exemplar in the export after its measurement)
    String prefix = SCENARIOS + ".lockInSpan:";
    assertThat(receiver.histogramPoints(DURATION).stream()
            .filter(h -> String.valueOf(h.attributes().get("jvm.lock.name")).startsWith(prefix))
            .flatMap(h -> h.exemplarSpanIds().stream()))
        .contains(span.spanId());
    long waitNanos = (long) ((Double) events.get(0).attributes().get("jvm.blocked.duration") * 1e9);
    assertThat(span.endTimeUnixNano() - (events.get(0).timeUnixNano() + waitNanos))
        .isBetween(-5_000_000L, 150_000_000L); // span end follows the wait's end
  }

  @Test
  void fairLockInterruptiblyAndInterrupted() {
    only("fairLockInterruptibly", "ReentrantLock", "lock_interruptibly", "exclusive", "ok");
    HistogramPoint interrupted =
        only("fairLockInterruptibly", "ReentrantLock", "lock_interruptibly", "exclusive", "interrupted");
    assertThat(interrupted.sum()).isBetween(0.1, 1.5);
  }

  @Test
  void timedTryLockThatGivesUp() {
    HistogramPoint p = only("tryLockGivesUp", "ReentrantLock", "try_lock", "exclusive", "timeout");
    assertThat(p.sum()).isBetween(0.09, 1.0);
  }

  @Test
  void readLockBehindWriterIsSharedAndWriterBehindReaderExclusive() {
    only("readLockBehindWriter", "ReentrantReadWriteLock", "lock", "shared", "ok");
    only("readLockBehindWriter", "ReentrantReadWriteLock", "lock", "exclusive", "ok");
  }

  @Test
  void stampedLockReadAndTimedWrite() {
    only("stampedLock", "StampedLock", "read_lock", "shared", "ok");
    only("stampedLock", "StampedLock", "try_write_lock", "exclusive", "timeout");
  }

  @Test
  void semaphoreWithNoPermits() {
    HistogramPoint p = only("semaphore", "Semaphore", "acquire", "shared", "ok");
    assertThat(p.sum()).isBetween(0.15, 2.0);
    only("semaphore", "Semaphore", "try_acquire", "shared", "timeout");
    only("semaphore", "Semaphore", "acquire_uninterruptibly", "shared", "ok");
  }

  @Test
  void latch() {
    only("latch", "CountDownLatch", "await", "shared", "ok");
    only("latch", "CountDownLatch", "await", "shared", "timeout");
  }

  @Test
  void barrierWaitCountsOnceAsTheBarrier() {
    HistogramPoint p = only("barrier", "CyclicBarrier", "await", "shared", "ok");
    assertThat(p.sum()).isBetween(0.15, 2.0);
    assertThat(points("barrier")).hasSize(1);
  }

  @Test
  void phaser() {
    only("phaser", "Phaser", "arrive_and_await_advance", "shared", "ok");
  }

  @Test
  void conditionOnAnApplicationLock() {
    HistogramPoint p = only("condition", "Condition", "await", "exclusive", "ok");
    assertThat(p.sum()).isBetween(0.15, 2.0);
    only("condition", "Condition", "await_nanos", "exclusive", "timeout");
  }

  @Test
  void contentionOnAQueuesInternalLockIsAQueueWaitNotALockWait() {
    assertThat(points("queueContentionIsNotALock")).isEmpty();
    List<HistogramPoint> queue =
        receiver.latestHistograms("jvm.queue.blocked.duration").values().stream()
            .filter(p -> String.valueOf(p.attributes().get("jvm.queue.name"))
                .startsWith(SCENARIOS + ".queueContentionIsNotALock:"))
            .collect(Collectors.toList());
    assertThat(queue)
        .allSatisfy(
            p -> assertThat(p.attributes())
                .containsEntry("jvm.queue.state", "contended")
                .containsEntry("jvm.queue.operation", "unknown"));
  }

  @Test
  void uncontendedLocksRecordNothing() {
    assertThat(points("uncontended")).isEmpty();
  }

  @Test
  void aThreadStuckBehindALockShowsInBothGaugesWhileItWaits() {
    String site = dev.blockedtime.e2e.scenarios.StuckLockScenario.class.getName() + ".main:";
    try (OtlpReceiver live = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(dev.blockedtime.e2e.scenarios.StuckLockScenario.class)
                .receiver(live)
                .args("3000")
                .start()) {
      jvm.awaitLine("WAITING", Duration.ofSeconds(30));
      live.awaitUntil(
          "the lock gauges show both waiters for over a second",
          () ->
              live.gaugeSamples("jvm.lock.blocked.oldest").stream()
                      .filter(s -> String.valueOf(s.attributes().get("jvm.lock.name")).startsWith(site))
                      .filter(s -> s.doubleValue() > 1.0)
                      .map(s -> s.attributes().get("jvm.lock.type"))
                      .distinct()
                      .count()
                  == 2,
          Duration.ofSeconds(20));
      assertThat(jvm.isAlive()).isTrue();
      assertThat(live.gaugeSamples("jvm.lock.blocked.threads"))
          .anySatisfy(
              s -> {
                assertThat(s.longValue()).isEqualTo(1);
                assertThat(s.attributes())
                    .containsEntry("jvm.lock.type", "ReentrantLock")
                    .containsEntry("jvm.lock.operation", "lock")
                    .containsEntry("jvm.lock.mode", "exclusive");
              })
          .anySatisfy(
              s -> assertThat(s.attributes())
                  .containsEntry("jvm.lock.type", "Semaphore")
                  .containsEntry("jvm.lock.operation", "acquire_uninterruptibly")
                  .containsEntry("jvm.lock.mode", "shared"));
      assertThat(live.metric("jvm.lock.blocked.threads").orElseThrow().unit()).isEqualTo("{thread}");
      assertThat(live.metric("jvm.lock.blocked.oldest").orElseThrow().unit()).isEqualTo("s");
      assertThat(jvm.waitFor(Duration.ofSeconds(30))).isZero();
      assertThat(live.latestHistograms(DURATION).values())
          .filteredOn(p -> String.valueOf(p.attributes().get("jvm.lock.name")).startsWith(site))
          .extracting(HistogramPoint::count)
          .containsExactlyInAnyOrder(1L, 1L);
    }
  }

  @Test
  void onlyTheApplicationsLocksAreRecorded() {
    assertThat(receiver.latestHistograms(DURATION).keySet())
        .allSatisfy(a -> assertThat((String) a.get("jvm.lock.name")).startsWith(SCENARIOS));
  }
}
