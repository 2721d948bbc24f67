package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.DequeDelegatesScenario;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Under the real agent, LinkedBlockingDeque's put, take and timed offer and poll run copies of
 * the methods they delegate to: their waits are named for the method called without a stack
 * walk, the JDK's class as rewritten (advice included) passes the bytecode verifier, which is
 * turned on here for the JDK's own classes, and a subclass's overrides of the delegates still run.
 */
class DequeDelegatesTest {
  @Test
  void theDequesDelegatingMethodsRunCopiesAndNameTheirOwnWaits() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(DequeDelegatesScenario.class)
                .receiver(receiver)
                .jvmArg("-XX:+UnlockDiagnosticVMOptions")
                .jvmArg("-XX:+BytecodeVerificationLocal")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).as(jvm.output()).isZero();
      assertThat(jvm.output())
          .contains("COPIED putLast,takeFirst,offerLast,pollFirst")
          .contains("OVERRIDES putLast 2 takeFirst 1")
          .contains("DONE")
          .doesNotContain("[blocked-time] WARN");

      assertThat(waits(receiver, "own"))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "put full ok", 1L,
                  "offer full timeout", 1L,
                  "put_last full ok", 1L,
                  "poll empty timeout", 1L,
                  "take empty ok", 1L,
                  "take_first empty ok", 1L));
      assertThat(waits(receiver, "subclass"))
          .containsExactlyInAnyOrderEntriesOf(Map.of("put full ok", 1L, "take empty ok", 1L));
    }
  }

  /** "operation state outcome" -> count, for the deque built in the scenario's {@code method}. */
  private static Map<String, Long> waits(OtlpReceiver receiver, String method) {
    String prefix = DequeDelegatesScenario.class.getName() + "." + method + ":";
    Map<String, Long> waits = new TreeMap<>();
    for (HistogramPoint p : receiver.latestHistograms(QueueWaitsTest.DURATION).values()) {
      Map<String, Object> a = p.attributes();
      if (String.valueOf(a.get("jvm.queue.name")).startsWith(prefix)) {
        waits.put(a.get("jvm.queue.operation") + " " + a.get("jvm.queue.state") + " " + a.get("jvm.blocked.outcome"), p.count());
      }
    }
    return waits;
  }
}
