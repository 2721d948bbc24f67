package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.NamingScenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names are those of the line that built each resource, for every covered type (thread pools
 * included, however they were built), whether learned from the rewritten call site or, for
 * subclasses, from a stack walk; and only those resources are named there.
 */
class NamingTest {
  @Test
  void everyCoveredTypeIsNamedAfterTheLineThatBuiltIt() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm = ScenarioJvm.builder(NamingScenario.class).receiver(receiver).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(90))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");
      List<String[]> expected = new ArrayList<>();
      for (String line : jvm.output().split("\n")) {
        if (line.startsWith("EXPECT ")) {
          expected.add(line.trim().split(" "));
        }
      }
      assertThat(expected).hasSize(32);
      try {
        receiver.awaitUntil(
            "a series for every resource built",
            () -> expected.stream().allMatch(e -> isPool(e[1])
                ? !executorSeries(receiver, e[2]).isEmpty() : !series(receiver, e[2]).isEmpty()),
            Duration.ofSeconds(20));
      } catch (AssertionError e) { // say which names came instead
        throw new AssertionError(e.getMessage() + "; names exported: " + names(receiver), e);
      }
      for (String[] e : expected) {
        String type = e[1];
        String site = e[2];
        if (isPool(type)) {
          assertThat(executorSeries(receiver, site)).as(site).singleElement()
              .satisfies(p -> assertThat(p.attributes().get("jvm.executor.type")).isEqualTo(type));
          continue;
        }
        Collection<HistogramPoint> points = series(receiver, site);
        assertThat(points).as(site).isNotEmpty();
        assertThat(points)
            .as(site)
            .allSatisfy(
                p -> assertThat(
                        p.attributes().containsKey("jvm.queue.type")
                            ? p.attributes().get("jvm.queue.type")
                            : p.attributes().get("jvm.lock.type"))
                    .isEqualTo(type));
      }
    }
  }

  /** Every queue, lock and executor name exported, for a failure's message. */
  private static List<Object> names(OtlpReceiver receiver) {
    List<Object> names = new ArrayList<>();
    for (String metric : List.of("jvm.queue.blocked.duration", "jvm.lock.blocked.duration", "jvm.executor.queued.duration")) {
      for (HistogramPoint p : receiver.latestHistograms(metric).values()) {
        for (String key : List.of("jvm.queue.name", "jvm.lock.name", "jvm.executor.name")) {
          if (p.attributes().containsKey(key)) {
            names.add(p.attributes().get(key));
          }
        }
      }
    }
    return names;
  }

  static boolean isPool(String type) {
    return type.endsWith("ThreadPoolExecutor") || type.equals("ForkJoinPool");
  }

  /** The executor series named {@code site}: pools are timed as executors, not as queues or locks. */
  static List<HistogramPoint> executorSeries(OtlpReceiver receiver, String site) {
    List<HistogramPoint> points = new ArrayList<>();
    for (HistogramPoint p : receiver.latestHistograms("jvm.executor.queued.duration").values()) {
      if (site.equals(p.attributes().get("jvm.executor.name"))) {
        points.add(p);
      }
    }
    return points;
  }

  static List<HistogramPoint> series(OtlpReceiver receiver, String site) {
    List<HistogramPoint> points = new ArrayList<>();
    for (String metric : List.of("jvm.queue.blocked.duration", "jvm.lock.blocked.duration")) {
      for (HistogramPoint p : receiver.latestHistograms(metric).values()) {
        Object name = p.attributes().containsKey("jvm.queue.name")
            ? p.attributes().get("jvm.queue.name")
            : p.attributes().get("jvm.lock.name");
        if (site.equals(name)) {
          points.add(p);
        }
      }
    }
    return points;
  }
}
