package dev.blockedtime.demo.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.blockedtime.demo.quickstart.PrometheusText.Sample;
import dev.blockedtime.demo.quickstart.WaitSnapshot.Row;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's readers, against output in the exact shapes the agent 2.33.1 prints. */
class DemoParsingTest {
  private static final String LABELS =
      "jvm_blocked_outcome=\"ok\",jvm_queue_name=\"orders\",jvm_queue_operation=\"put\",jvm_queue_state=\"full\","
          + "jvm_queue_type=\"ArrayBlockingQueue\",otel_scope_name=\"blocked-time\"";

  @Test
  void parsesSampleLinesWithEscapesAndInfinity() {
    List<Sample> samples =
        PrometheusText.parse(
            "# HELP x y\n"
                + "# TYPE jvm_queue_blocked_duration_seconds histogram\n"
                + "jvm_queue_blocked_duration_seconds_bucket{" + LABELS + ",le=\"+Inf\"} 12\n"
                + "weird{a=\"q\\\"uo\\\\te\\n\"} 1.5E-5 1700000000000\n"
                + "bare 3\n");
    assertThat(samples).hasSize(3);
    assertThat(samples.get(0).label("le")).isEqualTo("+Inf");
    assertThat(samples.get(0).label("jvm_queue_name")).isEqualTo("orders");
    assertThat(samples.get(1).label("a")).isEqualTo("q\"uo\\te\n");
    assertThat(samples.get(1).value()).isEqualTo(1.5e-5);
    assertThat(samples.get(2).labels()).isEmpty();
  }

  @Test
  void sumsSeriesOverStackHashesAndEstimatesP99() {
    StringBuilder text = new StringBuilder();
    for (String hash : new String[] {"", "code_stacktrace_hash=\"7cfcc9cfe9a5a255\","}) {
      text.append("jvm_queue_blocked_duration_seconds_bucket{").append(hash).append(LABELS).append(",le=\"0.01\"} 50\n");
      text.append("jvm_queue_blocked_duration_seconds_bucket{").append(hash).append(LABELS).append(",le=\"0.025\"} 50\n");
      text.append("jvm_queue_blocked_duration_seconds_bucket{").append(hash).append(LABELS).append(",le=\"0.05\"} 100\n");
      text.append("jvm_queue_blocked_duration_seconds_bucket{").append(hash).append(LABELS).append(",le=\"+Inf\"} 100\n");
      text.append("jvm_queue_blocked_duration_seconds_count{").append(hash).append(LABELS).append("} 100\n");
      text.append("jvm_queue_blocked_duration_seconds_sum{").append(hash).append(LABELS).append("} 2.0\n");
    }
    text.append("jvm_queue_blocked_threads{jvm_queue_name=\"orders\",jvm_queue_operation=\"put\",jvm_queue_state=\"full\",jvm_queue_type=\"ArrayBlockingQueue\",otel_scope_name=\"blocked-time\"} 1\n");
    text.append("jvm_queue_blocked_oldest_seconds{jvm_queue_name=\"orders\",jvm_queue_operation=\"put\",jvm_queue_state=\"full\",jvm_queue_type=\"ArrayBlockingQueue\",otel_scope_name=\"blocked-time\"} 0.25\n");
    text.append("jvm_queue_blocked_threads{jvm_queue_name=\"stuck\",jvm_queue_operation=\"take\",jvm_queue_state=\"empty\",jvm_queue_type=\"LinkedBlockingQueue\",otel_scope_name=\"blocked-time\"} 2\n");

    WaitSnapshot s = WaitSnapshot.of(PrometheusText.parse(text.toString()), 0).settle();

    assertThat(s.rows).hasSize(2);
    Row orders = s.rows.values().stream().filter(r -> r.key.resource().name().equals("orders")).findFirst().orElseThrow();
    assertThat(orders.count).isEqualTo(200);
    assertThat(orders.sum).isEqualTo(4.0);
    assertThat(orders.inProgress).isEqualTo(1);
    assertThat(orders.oldestSeconds).isEqualTo(0.25);
    // rank 198 of 200 lies in (0.025, 0.05], 98 of its 100 points in: 0.025 + 0.025 * 98/100
    assertThat(orders.quantile(0.99)).isCloseTo(0.0495, within(1e-9));
    // a wait in progress with no finished wait yet still gets a row
    Row stuck = s.rows.values().stream().filter(r -> r.key.resource().name().equals("stuck")).findFirst().orElseThrow();
    assertThat(stuck.count).isZero();
    assertThat(stuck.inProgress).isEqualTo(2);
    assertThat(s.stacks).containsOnlyKeys("7cfcc9cfe9a5a255");
  }

  @Test
  void readsStackRecordsFromTheLoggingExporter() {
    ChildTelemetry t = new ChildTelemetry(new StringWriter());
    t.accept("1970-01-01T00:00:00Z INFO [eventName: jvm.blocked.stack] 'stack 7cfcc9cfe9a5a255 first seen waiting on ArrayBlockingQueue orders' : "
        + "00000000000000000000000000000000 0000000000000000 [scopeInfo: blocked-time:] {code.stacktrace=\"dev.blockedtime.demo.quickstart.OrderDesk.accept:67", false);
    t.accept("dev.blockedtime.demo.quickstart.OrderDesk.intakeLoop:55", false);
    t.accept("java.lang.Thread.run:840\", code.stacktrace.hash=\"7cfcc9cfe9a5a255\", jvm.blocked.kind=\"queue\", jvm.queue.name=\"orders\", jvm.queue.type=\"ArrayBlockingQueue\"}", false);

    ChildTelemetry.StackRecord r = t.stacks().get("7cfcc9cfe9a5a255");
    assertThat(r).isNotNull();
    assertThat(r.frames())
        .containsExactly(
            "dev.blockedtime.demo.quickstart.OrderDesk.accept:67",
            "dev.blockedtime.demo.quickstart.OrderDesk.intakeLoop:55",
            "java.lang.Thread.run:840");
    assertThat(r.resourceName()).isEqualTo("orders");
    assertThat(r.kind()).isEqualTo("queue");
  }

  @Test
  void countsSpanEventsFromTheOtlpJsonSpanExporter() {
    ChildTelemetry t = new ChildTelemetry(new StringWriter());
    t.accept(
        "[otel.javaagent 2026-11-22 03:15:20:444 +0000] [BatchSpanProcessor_WorkerThread-1] INFO io.opentelemetry.exporter.logging.otlp.OtlpJsonLoggingSpanExporter - "
            + "{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"quickstart\"},\"spans\":["
            + "{\"name\":\"order rush\",\"events\":[{\"timeUnixNano\":\"1\",\"name\":\"jvm.queue.blocked\",\"attributes\":["
            + "{\"key\":\"code.stacktrace.hash\",\"value\":{\"stringValue\":\"72930a2b8066eaee\"}},"
            + "{\"key\":\"jvm.blocked.duration\",\"value\":{\"doubleValue\":0.020125363}},"
            + "{\"key\":\"jvm.queue.name\",\"value\":{\"stringValue\":\"orders\"}},"
            + "{\"key\":\"thread.id\",\"value\":{\"intValue\":\"1\"}},"
            + "{\"key\":\"thread.name\",\"value\":{\"stringValue\":\"order-intake\"}}]}]},"
            + "{\"name\":\"quiet\",\"events\":[]}]}]}",
        true);

    assertThat(t.spans()).isEqualTo(2);
    assertThat(t.waitEvents()).isEqualTo(1);
    assertThat(t.eventsBySpanName()).containsEntry("order rush", 1);
    assertThat(t.latestEvent().thread()).isEqualTo("order-intake");
    assertThat(t.latestEvent().seconds()).isEqualTo(0.020125363);
  }
}
