package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.blockedtime.e2e.harness.GaugeSample;
import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.AliasScenario;
import dev.blockedtime.e2e.scenarios.StuckConsumerScenario;
import dev.blockedtime.e2e.scenarios.VirtualThreadScenario;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Waits in progress, aliases, settings from properties and the environment, virtual threads. */
class QueueSettingsAndLiveWaitsTest {
  static final String DURATION = "jvm.queue.blocked.duration";

  static Collection<HistogramPoint> histograms(OtlpReceiver receiver) {
    return receiver.latestHistograms(DURATION).values();
  }

  @Test
  void aConsumerStuckForSecondsShowsInBothGaugesWhileItWaits() {
    String site = StuckConsumerScenario.class.getName() + ".main:";
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(StuckConsumerScenario.class).receiver(receiver).args("4000").start()) {
      jvm.awaitLine("WAITING", Duration.ofSeconds(30));
      // while the consumer waits: one thread, and an oldest wait that grows past a second
      receiver.awaitUntil(
          "gauges show the stuck consumer for over a second",
          () ->
              receiver.gaugeSamples("jvm.queue.blocked.oldest").stream()
                  .anyMatch(
                      s -> "empty".equals(s.attributes().get("jvm.queue.state"))
                          && String.valueOf(s.attributes().get("jvm.queue.name")).startsWith(site)
                          && s.doubleValue() > 1.0),
          Duration.ofSeconds(20));
      assertThat(jvm.isAlive()).as("seen while the wait was still in progress").isTrue();
      List<GaugeSample> threads =
          receiver.gaugeSamples("jvm.queue.blocked.threads").stream()
              .filter(s -> String.valueOf(s.attributes().get("jvm.queue.name")).startsWith(site))
              .collect(Collectors.toList());
      assertThat(threads)
          .anySatisfy(
              s -> {
                assertThat(s.longValue()).isEqualTo(1);
                assertThat(s.attributes())
                    .containsEntry("jvm.queue.operation", "poll")
                    .containsEntry("jvm.queue.state", "empty")
                    .containsEntry("jvm.queue.type", "ArrayBlockingQueue");
              });
      // the producer blocked on the full queue shows as a separate series, state full
      assertThat(threads)
          .anySatisfy(
              s -> assertThat(s.attributes())
                  .containsEntry("jvm.queue.operation", "offer")
                  .containsEntry("jvm.queue.state", "full"));
      assertThat(receiver.metric("jvm.queue.blocked.threads").orElseThrow().unit()).isEqualTo("{thread}");
      assertThat(receiver.metric("jvm.queue.blocked.oldest").orElseThrow().unit()).isEqualTo("s");

      jvm.awaitLine("RELEASED", Duration.ofSeconds(30));
      long released = System.currentTimeMillis() * 1_000_000L;
      assertThat(jvm.waitFor(Duration.ofSeconds(30))).isZero();
      // once the waits ended, collections no longer report those series (or report 0)
      List<GaugeSample> after =
          receiver.gaugeSamples("jvm.queue.blocked.threads").stream()
              .filter(s -> s.timeUnixNano() > released + 300_000_000L)
              .filter(s -> String.valueOf(s.attributes().get("jvm.queue.name")).startsWith(site))
              .collect(Collectors.toList());
      assertThat(after).allSatisfy(s -> assertThat(s.longValue()).isZero());
      // and the finished waits are in the histogram once each
      assertThat(histograms(receiver))
          .filteredOn(p -> String.valueOf(p.attributes().get("jvm.queue.name")).startsWith(site))
          .extracting(HistogramPoint::count)
          .containsExactlyInAnyOrder(1L, 1L);
    }
  }

  @Test
  void anAliasNamesTheQueuesItMatches() {
    String pattern = AliasScenario.class.getName() + ".newOrdersQueue*";
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(AliasScenario.class)
                .receiver(receiver)
                .systemProperty("otel.instrumentation.blocked-time.names", pattern + "=orders")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).isZero();
      assertThat(histograms(receiver))
          .extracting(p -> p.attributes().get("jvm.queue.name"))
          .contains("orders")
          .anySatisfy(n -> assertThat((String) n).startsWith(AliasScenario.class.getName() + ".main:"));
    }
  }

  @Test
  void settingsComeFromTheEnvironmentAndBadValuesFallBackToDefaults() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(AliasScenario.class)
                .receiver(receiver)
                // no wait here lasts an hour: none gets a stack hash
                .env("OTEL_INSTRUMENTATION_BLOCKED_TIME_STACK_THRESHOLD", "1h")
                .systemProperty("otel.instrumentation.blocked-time.stack-depth", "banana")
                .systemProperty("otel.instrumentation.blocked-time.span-event-threshold", "-3ms")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).isZero();
      List<String> warnings =
          jvm.lines().stream().filter(l -> l.contains("[blocked-time] WARN")).collect(Collectors.toList());
      assertThat(warnings).hasSize(2);
      assertThat(warnings)
          .anySatisfy(
              l -> assertThat(l)
                  .contains("otel.instrumentation.blocked-time.stack-depth", "'banana'", "a whole number from 1 to 64", "using 8"))
          .anySatisfy(
              l -> assertThat(l)
                  .contains("otel.instrumentation.blocked-time.span-event-threshold", "'-3ms'", "using 1ms"));
      assertThat(histograms(receiver)).hasSize(2);
      assertThat(histograms(receiver)).allSatisfy(p -> assertThat(p.attributes()).doesNotContainKey("code.stacktrace.hash"));
    }
  }

  @Test
  void turningQueuesOffRecordsNothing() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(AliasScenario.class)
                .receiver(receiver)
                .systemProperty("otel.instrumentation.blocked-time.queues.enabled", "false")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).isZero();
      assertThat(jvm.output()).contains("DONE");
      assertThat(histograms(receiver)).isEmpty();
    }
  }

  @Test
  void virtualThreadConsumers() {
    assumeTrue(
        ScenarioJvm.javaFeatureVersion(ScenarioJvm.defaultJava()) >= 21,
        "virtual threads need JDK 21+; this run's scenario JDK is older");
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm = ScenarioJvm.builder(VirtualThreadScenario.class).receiver(receiver).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).isZero();
      assertThat(histograms(receiver))
          .anySatisfy(
              p -> assertThat(p.attributes())
                  .containsEntry("jvm.queue.type", "ArrayBlockingQueue")
                  .containsEntry("jvm.queue.operation", "take")
                  .containsEntry("jvm.queue.state", "empty"))
          .anySatisfy(
              p -> assertThat(p.attributes())
                  .containsEntry("jvm.queue.type", "SynchronousQueue")
                  .containsEntry("jvm.queue.operation", "take")
                  .containsEntry("jvm.queue.state", "empty"));
      assertThat(histograms(receiver)).allSatisfy(p -> assertThat(p.count()).isEqualTo(1));
    }
  }
}
