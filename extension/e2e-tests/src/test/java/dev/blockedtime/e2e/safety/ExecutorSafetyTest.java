package dev.blockedtime.e2e.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.ExecutorScenarios;
import dev.blockedtime.e2e.scenarios.safety.ExecutorStress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Executors keep their semantics and memory stays bounded: {@link ExecutorStress} runs under the
 * agent with the extension and, at the same time, under the agent alone; the deterministic keys of
 * every result must match, and the extension's run must have recorded exactly one point per task
 * started (so the test notices if the instrumentation silently fell off). Bad settings keep their
 * default.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutorSafetyTest {
  static final String DURATION = "jvm.executor.queued.duration";
  static final String STRESS = ExecutorStress.class.getName() + ".";
  static final Map<String, List<String>> KEYS =
      Map.of(
          "threadPool", List.of("tasks", "once", "duplicates", "lost", "stuck", "terminated"),
          "handBack", List.of("queueIsMine", "removed", "shutdownNowIsMine", "ranAfterShutdownNow", "terminated"),
          "scheduled", List.of("delayedRuns", "cancel", "periodicAtLeastTen", "terminated"),
          "forkJoin", List.of("submitted", "stuck", "forkJoinSum", "commonSum", "streamSum", "terminated"),
          "manyExecutors", List.of("executors", "ran", "lastCollected"));

  OtlpReceiver receiver;
  ScenarioJvm withExtension;
  ScenarioJvm agentAlone;

  @BeforeAll
  void runBothConcurrently() {
    receiver = new OtlpReceiver();
    try (OtlpReceiver aloneReceiver = new OtlpReceiver();
        ScenarioJvm extension =
            ScenarioJvm.builder(ExecutorStress.class).receiver(receiver).jvmArg("-Xmx512m").start();
        ScenarioJvm alone =
            ScenarioJvm.builder(ExecutorStress.class)
                .name("ExecutorStress-agent-alone")
                .receiver(aloneReceiver)
                .jvmArg("-Xmx512m")
                .withExtension(false)
                .start()) {
      withExtension = extension;
      agentAlone = alone;
      assertThat(extension.waitFor(Duration.ofSeconds(300))).as(extension.output()).isZero();
      assertThat(alone.waitFor(Duration.ofSeconds(300))).as(alone.output()).isZero();
    }
  }

  @AfterAll
  void stop() {
    receiver.close();
  }

  @Test
  void everyResultIsTheSameAsUnderTheAgentAlone() {
    for (Map.Entry<String, List<String>> e : KEYS.entrySet()) {
      ResultLine mine = ResultLine.only(withExtension, e.getKey());
      ResultLine theirs = ResultLine.only(agentAlone, e.getKey());
      for (String key : e.getValue()) {
        assertThat(mine.get(key)).as("%s %s", e.getKey(), key).isEqualTo(theirs.get(key));
      }
    }
    ResultLine pool = ResultLine.only(withExtension, "threadPool");
    assertThat(pool.get("once")).isEqualTo(pool.get("tasks"));
    assertThat(pool.get("stuck")).isEqualTo("0");
    ResultLine handBack = ResultLine.only(withExtension, "handBack");
    assertThat(handBack.values())
        .containsEntry("queueIsMine", "true")
        .containsEntry("removed", "true")
        .containsEntry("shutdownNowIsMine", "true")
        .containsEntry("ranAfterShutdownNow", "0");
    assertThat(ResultLine.only(withExtension, "scheduled").get("delayedRuns")).isEqualTo("2000");
    assertThat(withExtension.output()).doesNotContain("UNEXPECTED", "[blocked-time] WARN");
  }

  HistogramPoint point(String method, String type) {
    List<HistogramPoint> matching =
        receiver.latestHistograms(DURATION).values().stream()
            .filter(p -> String.valueOf(p.attributes().get("jvm.executor.name")).startsWith(STRESS + method + ":"))
            .filter(p -> type.equals(p.attributes().get("jvm.executor.type")))
            .collect(Collectors.toList());
    assertThat(matching).as("series of %s", method).hasSize(1);
    return matching.get(0);
  }

  @Test
  void everyTaskAWorkerStartedIsOnePoint() {
    ResultLine pool = ResultLine.only(withExtension, "threadPool");
    // the tasks the caller ran were rejected: they record nothing
    assertThat(point("threadPoolUnderLoad", "ThreadPoolExecutor").count()).isEqualTo(pool.longValue("onWorkers"));
    // 80,000 external submissions and the external invoke of the fork/join sum; its forks are not
    assertThat(point("forkJoin", "ForkJoinPool").count()).isEqualTo(80_001);
    ResultLine scheduled = ResultLine.only(withExtension, "scheduled");
    assertThat(point("scheduledTasks", "ScheduledThreadPoolExecutor").count()).isEqualTo(2000 + scheduled.longValue("periodicRuns"));
    // one site each: one series each
    assertThat(point("manyExecutors", "ThreadPoolExecutor").count()).isEqualTo(20_000);
    assertThat(point("manyExecutors", "ForkJoinPool").count()).isEqualTo(2_000);
  }

  @Test
  void manyExecutorsLeaveTheHeapWhereItWas() {
    ResultLine mine = ResultLine.only(withExtension, "manyExecutors");
    ResultLine theirs = ResultLine.only(agentAlone, "manyExecutors");
    assertThat(mine.get("lastCollected")).isEqualTo("true");
    // 1-9 MB more than the agent alone (the agent alone: 0), from one JVM to the next with the same
    // code. A class histogram after each of three such rounds in one JVM puts the growth in the
    // resource registry's table, which doubles in steps up to its bound (12 MB; a round may or may
    // not cross a step), and in Flight Recorder's parser, which keeps an object per thread that
    // appeared in its stream (22,000 pools started as many threads) until the stream hands over
    // to a new one (after 20,000 thread starts, at most every ten seconds: ThreadChurnTest). The
    // bound fails on a leak of our own that grows with the number of executors by more than about
    // 500 bytes each.
    assertThat(mine.longValue("heapGrowthMb")).isLessThanOrEqualTo(Math.max(0, theirs.longValue("heapGrowthMb")) + 12);
  }

  @Test
  void aBadExecutorsSettingLogsOneLineAndKeepsTheDefault() {
    try (OtlpReceiver r = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(ExecutorScenarios.class)
                .receiver(r)
                .args("1000")
                .env("OTEL_INSTRUMENTATION_BLOCKED_TIME_EXECUTORS_ENABLED", "banana")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(120))).isZero();
      List<String> warnings =
          jvm.lines().stream().filter(l -> l.contains("[blocked-time] WARN")).collect(Collectors.toList());
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0))
          .contains("otel.instrumentation.blocked-time.executors.enabled", "'banana'", "true or false", "using true");
      assertThat(r.latestHistograms(DURATION)).isNotEmpty();
    }
  }

  @Test
  void executorsOffRecordsNoExecutorButEverythingElse() {
    try (OtlpReceiver r = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(ExecutorScenarios.class)
                .receiver(r)
                .args("1000")
                .systemProperty("otel.instrumentation.blocked-time.executors.enabled", "false")
                .start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(120))).isZero();
      assertThat(jvm.output()).doesNotContain("[blocked-time] WARN");
      assertThat(r.metricNames()).noneMatch(n -> n.startsWith("jvm.executor."));
      // the scenario's latches still are
      assertThat(r.latestHistograms("jvm.lock.blocked.duration")).isNotEmpty();
    }
  }
}
