package dev.blockedtime.e2e.harness;

import java.util.Map;

/**
 * One received log record.
 *
 * @param eventName the OTLP {@code LogRecord.event_name} field (empty when not set)
 * @param body the body as text: strings as-is, other values via {@code toString()}, empty if unset
 * @param timeUnixNano when the emitter set a timestamp, else 0 (see {@code observedTimeUnixNano})
 * @param traceId lowercase hex, empty when the record was not emitted inside a span
 * @param serviceName the exporting JVM's {@code service.name} resource attribute
 */
public record LogRecordData(
    String eventName,
    int severityNumber,
    String severityText,
    String body,
    Map<String, Object> attributes,
    long timeUnixNano,
    long observedTimeUnixNano,
    String traceId,
    String spanId,
    String scopeName,
    String serviceName)
    implements HasAttributes {}
