package dev.blockedtime.e2e.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.safety.ThreadChurnScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A JVM that starts threads by the thousand keeps its heap: Flight Recorder's parser keeps an
 * object for every thread its stream has seen, as long as it reads the chunk that named it, so
 * blocked-time's JFR stream hands over to a new one after 20,000 thread starts (at most every ten
 * seconds). {@link ThreadChurnScenario} starts 100,000 threads in 50 seconds under the agent with
 * the extension and, at the same time, under the agent alone.
 */
class ThreadChurnTest {
  static final String SECONDS = "50";

  @Test
  void threadsStartedByTheThousandLeaveTheHeapWhereItWas() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        OtlpReceiver aloneReceiver = new OtlpReceiver();
        ScenarioJvm mine =
            ScenarioJvm.builder(ThreadChurnScenario.class).receiver(receiver).jvmArg("-Xmx512m").args(SECONDS).start();
        ScenarioJvm theirs =
            ScenarioJvm.builder(ThreadChurnScenario.class)
                .name("ThreadChurnScenario-agent-alone")
                .receiver(aloneReceiver)
                .withExtension(false)
                .jvmArg("-Xmx512m")
                .args(SECONDS, "off")
                .start()) {
      assertThat(mine.waitFor(Duration.ofSeconds(180))).as(mine.output()).isZero();
      assertThat(theirs.waitFor(Duration.ofSeconds(180))).as(theirs.output()).isZero();
      ResultLine withExtension = ResultLine.only(mine, "threadChurn");
      ResultLine agentAlone = ResultLine.only(theirs, "threadChurn");
      assertThat(withExtension.longValue("threads")).isEqualTo(100_000);
      // Measured on 2 CPUs, the agent alone 0 MB: with one stream for the whole run (before the
      // handover), 27 MB on JDK 17 and on JDK 25; with it, 5 and 2 MB.
      assertThat(withExtension.longValue("heapGrowthMb"))
          .isLessThanOrEqualTo(Math.max(0, agentAlone.longValue("heapGrowthMb")) + 10);
      assertThat(mine.output()).doesNotContain("internal error in blocked-time", "cannot renew");
    }
  }
}
