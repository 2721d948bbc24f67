package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.JfrWaitScenario;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The waits that come from the JFR stream, from one run of {@link JfrWaitScenario}: {@code
 * Object.wait} (notified, and timed out), a platform thread's {@code Thread.join}, and a pinned
 * virtual thread (JDK 21+).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JfrWaitsTest {
  static final String LOCKS = "jvm.lock.blocked.duration";
  static final String FUTURES = "jvm.future.blocked.duration";
  static final String PINNED = "jvm.thread.virtual.pinned.duration";
  static final String SCENARIO = JfrWaitScenario.class.getName();
  static final String MAILBOX = SCENARIO + "$Mailbox";

  OtlpReceiver receiver;
  boolean jdk21;

  @BeforeAll
  void runScenario() {
    jdk21 = ScenarioJvm.javaFeatureVersion(ScenarioJvm.defaultJava()) >= 21;
    receiver = new OtlpReceiver();
    try (ScenarioJvm jvm = ScenarioJvm.builder(JfrWaitScenario.class).receiver(receiver).start()) {
      jvm.awaitLine("WAITED", Duration.ofSeconds(90));
      // JFR hands its events over about once a second, after the wait: wait while the JVM lives
      receiver.awaitUntil(
          "two Object.wait points, a join and (JDK 21+) a pinned thread",
          () -> mailboxWaits().stream().mapToLong(HistogramPoint::count).sum() >= 2
              && !joins().isEmpty()
              && (!jdk21 || !receiver.latestHistograms(PINNED).isEmpty()),
          Duration.ofSeconds(30));
      jvm.sendLine("EXIT");
      assertThat(jvm.waitFor(Duration.ofSeconds(30))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  List<HistogramPoint> mailboxWaits() {
    return receiver.latestHistograms(LOCKS).values().stream()
        .filter(p -> MAILBOX.equals(p.attributes().get("jvm.lock.name")))
        .collect(Collectors.toList());
  }

  List<HistogramPoint> joins() {
    return receiver.latestHistograms(FUTURES).values().stream()
        .filter(p -> "Thread".equals(p.attributes().get("jvm.future.type")))
        .collect(Collectors.toList());
  }

  String topFrame(HistogramPoint p) {
    Object hash = p.attributes().get("code.stacktrace.hash");
    return receiver.logEvents("jvm.blocked.stack").stream()
        .filter(l -> hash.equals(l.attributes().get("code.stacktrace.hash")))
        .map(l -> ((String) l.attributes().get("code.stacktrace")).split("\n")[0])
        .findFirst()
        .orElseThrow();
  }

  @Test
  void objectWaitIsAMonitorWaitNotifiedOrTimedOut() {
    Map<Object, HistogramPoint> byOutcome =
        mailboxWaits().stream().collect(Collectors.toMap(p -> p.attributes().get("jvm.blocked.outcome"), p -> p));
    assertThat(byOutcome).containsOnlyKeys("ok", "timeout");
    for (HistogramPoint p : byOutcome.values()) {
      assertThat(p.count()).isEqualTo(1);
      assertThat(p.sum()).isBetween(0.15, 3.0);
      assertThat(p.attributes())
          .containsEntry("jvm.lock.type", "monitor")
          .containsEntry("jvm.lock.operation", "wait")
          .containsEntry("jvm.lock.mode", "exclusive")
          .containsKey("code.stacktrace.hash")
          .hasSize(6);
    }
    assertThat(topFrame(byOutcome.get("ok"))).startsWith(SCENARIO + ".notifiedWait:");
    assertThat(topFrame(byOutcome.get("timeout"))).startsWith(SCENARIO + ".timedWaitRunsOut:");
  }

  @Test
  void aPlatformThreadsJoinIsOneJoinAndNoMonitorWait() {
    List<HistogramPoint> joins = joins().stream()
        .filter(p -> topFrame(p).startsWith(SCENARIO + ".platformJoin:"))
        .collect(Collectors.toList());
    assertThat(joins).singleElement().satisfies(p -> {
      assertThat(p.count()).isEqualTo(1);
      assertThat(p.sum()).isBetween(0.1, 3.0);
      assertThat(p.attributes())
          .containsEntry("jvm.future.type", "Thread")
          .containsEntry("jvm.future.operation", "join")
          .containsEntry("jvm.blocked.outcome", "ok")
          .hasSize(4);
    });
    // the Object.wait beneath it is not a monitor wait of its own
    assertThat(receiver.latestHistograms(LOCKS).values().stream()
            .filter(p -> "wait".equals(p.attributes().get("jvm.lock.operation")))
            .map(p -> p.attributes().get("jvm.lock.name")))
        .containsOnly(MAILBOX);
  }

  @Test
  void aVirtualThreadPinnedInAClassInitializer() {
    Assumptions.assumeTrue(jdk21, "jdk.VirtualThreadPinned needs JDK 21+; this run's scenario JDK is older");
    assertThat(receiver.metric(PINNED).orElseThrow().unit()).isEqualTo("s");
    List<HistogramPoint> pinned = List.copyOf(receiver.latestHistograms(PINNED).values());
    assertThat(pinned).singleElement().satisfies(p -> {
      assertThat(p.count()).isEqualTo(1);
      assertThat(p.sum()).isBetween(0.15, 3.0);
      assertThat(p.attributes()).containsKeys("jvm.thread.virtual.pinned.reason", "code.stacktrace.hash").hasSize(2);
      String reason = (String) p.attributes().get("jvm.thread.virtual.pinned.reason");
      if (ScenarioJvm.javaFeatureVersion(ScenarioJvm.defaultJava()) >= 24) {
        // JDK 25: "VM call to <class>.<clinit> on stack", without the class
        assertThat(reason).isNotEqualTo("unknown").contains("<clinit>").doesNotContain("SlowConfig");
      } else {
        assertThat(reason).isEqualTo("unknown");
      }
      assertThat(topFrame(p)).startsWith(SCENARIO + "$SlowConfig.<clinit>:");
    });
  }
}
