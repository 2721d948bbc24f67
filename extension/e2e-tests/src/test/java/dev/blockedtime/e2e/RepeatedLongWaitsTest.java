package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.harness.SpanEventRecord;
import dev.blockedtime.e2e.scenarios.RepeatedWaitScenario;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A thread's long waits on a lock, semaphore or condition after a long one walk their stack before
 * they park, not when they end (BlockedTime#preWalk): the stack, and so the hash and the series,
 * must be the same as the first wait's, which walked at its end. Queue waits walk at their end
 * every time; the same holds for them. From one run of {@link RepeatedWaitScenario}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepeatedLongWaitsTest {
  static final String SCENARIO = RepeatedWaitScenario.class.getName();

  OtlpReceiver receiver;

  @BeforeAll
  void runScenario() {
    receiver = new OtlpReceiver();
    try (ScenarioJvm jvm = ScenarioJvm.builder(RepeatedWaitScenario.class).receiver(receiver).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(90))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  @ParameterizedTest
  @CsvSource({
    "fairLock, jvm.lock, ReentrantLock, lock",
    "condition, jvm.lock, Condition, await",
    "semaphore, jvm.lock, Semaphore, acquire",
    "fullPut, jvm.queue, ArrayBlockingQueue, put",
    "synchronousTake, jvm.queue, SynchronousQueue, take",
    "transferTake, jvm.queue, LinkedTransferQueue, take",
  })
  void everyLongWaitOfALineHasItsStackAndOneHash(String method, String kind, String type, String op) {
    String name = kind + ".name";
    String prefix = SCENARIO + "." + method + ":";
    List<HistogramPoint> points =
        receiver.latestHistograms(kind + ".blocked.duration").values().stream()
            .filter(p -> String.valueOf(p.attributes().get(name)).startsWith(prefix))
            .filter(p -> type.equals(p.attributes().get(kind + ".type")))
            .filter(p -> op.equals(p.attributes().get(kind + ".operation")))
            .collect(Collectors.toList());
    // one series: the waits that walked before they parked hashed the same stack as the first
    assertThat(points).as("series of %s", method).hasSize(1);
    assertThat(points.get(0).count()).isEqualTo(RepeatedWaitScenario.TIMES);
    Object hash = points.get(0).attributes().get("code.stacktrace.hash");
    assertThat(hash).isNotNull();

    List<SpanEventRecord> events =
        receiver.spans("repeated").get(0).events(kind + ".blocked").stream()
            .filter(e -> String.valueOf(e.attributes().get(name)).startsWith(prefix))
            .filter(e -> type.equals(e.attributes().get(kind + ".type")))
            .collect(Collectors.toList());
    assertThat(events).hasSize(RepeatedWaitScenario.TIMES);
    assertThat(events)
        .allSatisfy(e -> assertThat(e.attributes()).containsEntry("code.stacktrace.hash", hash));
    // the first event with the hash carries the stack: its top frame is the application's call
    assertThat((String) events.get(0).attributes().get("code.stacktrace")).startsWith(prefix);
  }
}
