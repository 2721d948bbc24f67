package dev.blockedtime.e2e.harness;

import java.time.Instant;
import java.util.Map;

/**
 * One number data point of a gauge (or sum) as exported once; samples of a metric are kept in the
 * order they arrived so a test can ask what the value was while the scenario was still running.
 *
 * @param isDouble whether OTLP carried the value as a double ({@code as_double}) or a long
 * @param receivedAt when the receiver got the export that held this sample
 */
public record GaugeSample(
    String metricName,
    Map<String, Object> attributes,
    double doubleValue,
    long longValue,
    boolean isDouble,
    long timeUnixNano,
    Instant receivedAt)
    implements HasAttributes {}
