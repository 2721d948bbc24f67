package dev.blockedtime.e2e.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.safety.LoadedSubclassesScenario;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Code the extension never touches stays as fast as under the agent alone: the extension loads no
 * subclass of the JDK types applications call on their fast paths that the agent alone does not
 * load. Such a subclass, if it overrides a method, keeps the JIT from binding the call to one
 * implementation: {@code CompletableFuture$MinimalStage}, which overrides {@code join()}, loaded by
 * a reflective check at start-up, made a completed future's {@code join} run at 0.85 of the agent
 * alone's speed on JDK 17. {@link LoadedSubclassesScenario} runs under both at the same time.
 */
class LoadedSubclassesTest {
  @Test
  void theExtensionLoadsNoSubclassOfAFastPathTypeThatTheAgentAloneDoesNot() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        OtlpReceiver aloneReceiver = new OtlpReceiver();
        ScenarioJvm mine =
            ScenarioJvm.builder(LoadedSubclassesScenario.class).receiver(receiver).args("14000").start();
        ScenarioJvm theirs =
            ScenarioJvm.builder(LoadedSubclassesScenario.class)
                .name("LoadedSubclassesScenario-agent-alone")
                .receiver(aloneReceiver)
                .withExtension(false)
                .args("14000")
                .start()) {
      assertThat(mine.waitFor(Duration.ofSeconds(90))).as(mine.output()).isZero();
      assertThat(theirs.waitFor(Duration.ofSeconds(90))).as(theirs.output()).isZero();
      Map<String, String> withExtension = loaded(mine);
      assertThat(withExtension).hasSize(LoadedSubclassesScenario.TYPES.size());
      assertThat(withExtension).isEqualTo(loaded(theirs));
      // the JDK loads this one at start-up: the listing's parse does find subclasses
      assertThat(withExtension.get("java.util.concurrent.locks.ReentrantLock")).contains("ConcurrentHashMap$Segment");
    }
  }

  private static Map<String, String> loaded(ScenarioJvm jvm) {
    return ResultLine.named(jvm, "subclasses").stream()
        .collect(Collectors.toMap(r -> r.get("type"), r -> r.get("loaded")));
  }
}
