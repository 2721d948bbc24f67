package dev.blockedtime.e2e.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.GaugeSample;
import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.LogRecordData;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.harness.SpanEventRecord;
import dev.blockedtime.e2e.harness.SpanRecord;
import dev.blockedtime.e2e.scenarios.safety.SecretElementsScenario;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the application puts in its queues never leaves the JVM: {@link SecretElementsScenario}
 * waits with, for and on secret elements in every queue type, inside a span, long enough for
 * histogram points with stack hashes, span events with the stack, and stack records; not one
 * exported string (metric, attribute, span, event, log body or attribute, resource) contains the
 * secret, and neither the agent nor the extension ever calls an element's {@code toString},
 * {@code hashCode} or {@code equals}.
 */
class NoSecretsTest {
  static final String MARKER = SecretElementsScenario.MARKER;

  @Test
  void queueElementsNeverAppearInAnyExportedTelemetry() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm = ScenarioJvm.builder(SecretElementsScenario.class).receiver(receiver).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(90))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("FOREIGN_CALL");
      assertThat(ResultLine.only(jvm, "secrets").longValue("foreignCalls")).isZero();

      // the scan is only meaningful if the waits were recorded in every form
      String site = SecretElementsScenario.class.getName();
      receiver.awaitUntil(
          "the scenario's span, its events and stack records arrived",
          () -> receiver.spans("handling-secrets").size() == 1
              && !receiver.logEvents("jvm.blocked.stack").isEmpty(),
          Duration.ofSeconds(10));
      SpanRecord span = receiver.spans("handling-secrets").get(0);
      assertThat(span.events("jvm.queue.blocked")).hasSizeGreaterThan(10);
      assertThat(receiver.latestHistograms("jvm.queue.blocked.duration").keySet())
          .filteredOn(a -> String.valueOf(a.get("jvm.queue.name")).startsWith(site))
          .extracting(a -> a.get("jvm.queue.type"))
          .contains("ArrayBlockingQueue", "LinkedBlockingQueue", "LinkedBlockingDeque", "PriorityBlockingQueue",
              "DelayQueue", "SynchronousQueue", "LinkedTransferQueue");

      List<String> leaks = new ArrayList<>();
      int scanned = scan(receiver, leaks);
      System.out.println("scanned " + scanned + " exported strings for the secret; leaks: " + leaks.size());
      assertThat(scanned).isGreaterThan(1000);
      assertThat(leaks).isEmpty();
    }
  }

  /** Checks every exported string; adds where the marker was found; returns how many it checked. */
  static int scan(OtlpReceiver receiver, List<String> leaks) {
    int[] count = {0};
    Checker check = (where, value) -> {
      count[0]++;
      String text = value instanceof byte[]
          ? new String((byte[]) value, StandardCharsets.ISO_8859_1)
          : String.valueOf(value);
      if (text.contains(MARKER)) {
        leaks.add(where + ": " + text);
      }
    };
    for (Map<String, Object> resource : receiver.resources()) {
      checkAll(check, "resource", resource);
    }
    for (String metric : receiver.metricNames()) {
      check.check("metric name", metric);
      receiver.metric(metric).ifPresent(m -> check.check("metric description", m.description()));
      for (HistogramPoint p : receiver.histogramPoints(metric)) {
        checkAll(check, metric, p.attributes());
      }
      for (GaugeSample s : receiver.gaugeSamples(metric)) {
        checkAll(check, metric, s.attributes());
      }
    }
    for (SpanRecord span : receiver.spans()) {
      check.check("span name", span.name());
      checkAll(check, "span " + span.name(), span.attributes());
      for (SpanEventRecord event : span.events()) {
        check.check("event name", event.name());
        checkAll(check, "event " + event.name(), event.attributes());
      }
    }
    for (LogRecordData log : receiver.logs()) {
      check.check("log event name", log.eventName());
      check.check("log body", log.body());
      checkAll(check, "log " + log.eventName(), log.attributes());
    }
    return count[0];
  }

  interface Checker {
    void check(String where, Object value);
  }

  /** Keys and values, into lists and nested maps. */
  static void checkAll(Checker check, String where, Object value) {
    if (value instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        check.check(where + " key", e.getKey());
        checkAll(check, where + " " + e.getKey(), e.getValue());
      }
    } else if (value instanceof List) {
      for (Object item : (List<?>) value) {
        checkAll(check, where, item);
      }
    } else {
      check.check(where, value);
    }
  }
}
