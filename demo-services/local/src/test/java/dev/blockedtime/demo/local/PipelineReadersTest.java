package dev.blockedtime.demo.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two readers of the real pipeline's output, on answers in the shapes Jaeger and the Collector give. */
class PipelineReadersTest {
  @Test
  void aJaegerTraceGivesItsRootAndTheWaitsOnEachSpan() throws Exception {
    String json =
        """
        {"traceID":"abc","processes":{"p1":{"serviceName":"intake"},"p2":{"serviceName":"worker"}},
         "spans":[
          {"spanID":"2","processID":"p2","operationName":"Reserve","startTime":1000200,"duration":5000,
           "logs":[{"timestamp":1000300,"fields":[{"key":"event","value":"jvm.lock.blocked"},{"key":"jvm.lock.name","value":"inventory"},
                   {"key":"jvm.lock.operation","value":"lock"},{"key":"jvm.blocked.duration","type":"float64","value":0.004}]}]},
          {"spanID":"1","processID":"p1","operationName":"POST /orders","startTime":1000000,"duration":250000,
           "logs":[{"timestamp":1000100,"fields":[{"key":"event","value":"jvm.queue.blocked"},{"key":"jvm.queue.name","value":"orders"},
                   {"key":"jvm.queue.operation","value":"offer"},{"key":"jvm.queue.state","value":"full"},{"key":"jvm.blocked.duration","value":0.2}]},
                   {"timestamp":1000150,"fields":[{"key":"event","value":"exception"}]}]}]}
        """;
    JaegerApi.Trace t = JaegerApi.trace(new ObjectMapper().readTree(json));
    assertThat(t.id()).isEqualTo("abc");
    assertThat(t.root()).isEqualTo("intake POST /orders");
    assertThat(t.startMicros()).isEqualTo(1000000);
    assertThat(t.seconds()).isEqualTo(0.25);
    assertThat(t.waits())
        .containsExactlyInAnyOrder(
            new JaegerApi.Wait("jvm.lock.blocked", "worker", "inventory lock", 0.004),
            new JaegerApi.Wait("jvm.queue.blocked", "intake", "orders offer (full)", 0.2));
  }

  @Test
  void collectorRecordsAreReadLineByLineAndAHalfWrittenLineWaits(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logs.jsonl");
    String stack =
        "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"intake\"}}]},"
            + "\"scopeLogs\":[{\"logRecords\":[{\"eventName\":\"jvm.blocked.stack\",\"attributes\":["
            + "{\"key\":\"code.stacktrace.hash\",\"value\":{\"stringValue\":\"0123456789abcdef\"}},"
            + "{\"key\":\"code.stacktrace\",\"value\":{\"stringValue\":\"a.B.c:1\\nd.E.f:2\\n\"}},"
            + "{\"key\":\"jvm.queue.name\",\"value\":{\"stringValue\":\"orders\"}}]}]}]}]}\n";
    String deadlock =
        "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"worker\"}}]},"
            + "\"scopeLogs\":[{\"logRecords\":[{\"eventName\":\"jvm.deadlock\",\"severityNumber\":17,"
            + "\"body\":{\"stringValue\":\"deadlock of 2 threads:\\n  \\\"a\\\" waits\"}}]}]}]}\n";
    Files.writeString(file, stack + deadlock.substring(0, 40), StandardCharsets.UTF_8);
    CollectorLogRecords records = new CollectorLogRecords(file);

    records.refresh();
    assertThat(records.stack("0123456789abcdef")).isEqualTo(new ServiceLog.StackRecord("0123456789abcdef", java.util.List.of("a.B.c:1", "d.E.f:2"), "orders"));
    assertThat(records.deadlocks()).isEmpty();

    Files.writeString(file, deadlock.substring(40), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    records.refresh();
    assertThat(records.deadlocks()).containsExactly(new CollectorLogRecords.Deadlock("worker", "deadlock of 2 threads:\n  \"a\" waits"));
    assertThat(records.stackRecords()).isEqualTo(1);
    assertThat(records.records()).isEqualTo(2);
  }
}
