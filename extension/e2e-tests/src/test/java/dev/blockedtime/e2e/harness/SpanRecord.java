package dev.blockedtime.e2e.harness;

import java.util.List;
import java.util.Map;

/**
 * One received span. Ids are lowercase hex; {@code parentSpanId} is empty for a root span.
 *
 * @param kind the OTLP span kind without its prefix: INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER
 * @param statusCode UNSET, OK or ERROR
 * @param serviceName the exporting JVM's {@code service.name} resource attribute
 */
public record SpanRecord(
    String name,
    String traceId,
    String spanId,
    String parentSpanId,
    String kind,
    long startTimeUnixNano,
    long endTimeUnixNano,
    Map<String, Object> attributes,
    List<SpanEventRecord> events,
    String statusCode,
    String scopeName,
    String serviceName)
    implements HasAttributes {

  public SpanRecord {
    events = List.copyOf(events);
  }

  /** This span's events with the given name, in recorded order. */
  public List<SpanEventRecord> events(String eventName) {
    return events.stream().filter(e -> e.name().equals(eventName)).toList();
  }
}
