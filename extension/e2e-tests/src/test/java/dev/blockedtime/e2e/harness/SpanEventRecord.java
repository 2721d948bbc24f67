package dev.blockedtime.e2e.harness;

import java.util.Map;

/** One event of a received span. */
public record SpanEventRecord(String name, long timeUnixNano, Map<String, Object> attributes)
    implements HasAttributes {}
