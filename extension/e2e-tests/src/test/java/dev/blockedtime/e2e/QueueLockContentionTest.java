package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.QueueLockScenarios;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A queue's own lock under contention, from {@link QueueLockScenarios}: a blocking method that
 * waits for the lock and then for space is one wait; one that waits only for the lock is a
 * {@code contended} wait under its name; a non-blocking method's is {@code unknown}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueueLockContentionTest {
  static final String SCENARIOS = QueueLockScenarios.class.getName();

  OtlpReceiver receiver;

  @BeforeAll
  void runScenarios() {
    receiver = new OtlpReceiver();
    try (ScenarioJvm jvm =
        ScenarioJvm.builder(QueueLockScenarios.class)
            .receiver(receiver)
            .jvmArg("--add-opens=java.base/java.util.concurrent=ALL-UNNAMED")
            .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  /** Every series of the queue built in {@code scenario}: exactly one, with exactly one wait. */
  HistogramPoint onlyPoint(String scenario) {
    String prefix = SCENARIOS + "." + scenario + ":";
    List<HistogramPoint> points =
        receiver.latestHistograms(QueueWaitsTest.DURATION).values().stream()
            .filter(p -> String.valueOf(p.attributes().get("jvm.queue.name")).startsWith(prefix))
            .collect(Collectors.toList());
    assertThat(points).as("series of %s", scenario).hasSize(1);
    assertThat(points.get(0).count()).as("waits of %s", scenario).isEqualTo(1);
    return points.get(0);
  }

  static void assertWait(HistogramPoint p, String type, String operation, String state) {
    assertThat(p.attributes())
        .containsEntry("jvm.queue.type", type)
        .containsEntry("jvm.queue.operation", operation)
        .containsEntry("jvm.queue.state", state)
        .containsEntry("jvm.blocked.outcome", "ok");
  }

  @Test
  void aPutThatWaitsForTheLockThenForSpaceIsOneFullWaitCoveringBoth() {
    HistogramPoint p = onlyPoint("lockThenSpace");
    assertWait(p, "ArrayBlockingQueue", "put", "full");
    assertThat(p.sum()).isBetween(0.35, 3.0); // the lock held 150 ms, then space after 400 ms
  }

  @Test
  void aTakeThatWaitsOnlyForTheLockIsContended() {
    HistogramPoint p = onlyPoint("lockOnlyTake");
    assertWait(p, "ArrayBlockingQueue", "take", "contended");
    assertThat(p.sum()).isBetween(0.1, 2.0);
  }

  @Test
  void aNonBlockingMethodWaitingForTheLockIsUnknownContended() {
    HistogramPoint p = onlyPoint("lockOnlyOffer");
    assertWait(p, "ArrayBlockingQueue", "unknown", "contended");
    assertThat(p.sum()).isBetween(0.1, 2.0);
  }

  @Test
  void theDequesLockWaitIsPartOfItsBlockingMethods() {
    HistogramPoint put = onlyPoint("dequeLockThenSpace");
    assertWait(put, "LinkedBlockingDeque", "put", "full");
    assertThat(put.sum()).isBetween(0.35, 3.0);
    HistogramPoint putFirst = onlyPoint("dequeLockOnlyPutFirst");
    assertWait(putFirst, "LinkedBlockingDeque", "put_first", "contended");
    assertThat(putFirst.sum()).isBetween(0.1, 2.0);
  }
}
