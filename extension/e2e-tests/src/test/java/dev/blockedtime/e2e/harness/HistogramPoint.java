package dev.blockedtime.e2e.harness;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One explicit-bucket histogram data point. With the agent's default CUMULATIVE temporality every
 * point is the running total since {@link #startTimeUnixNano()}.
 *
 * <p>{@code bucketCounts} has one more element than {@code explicitBounds}: bucket i counts values
 * in (bounds[i-1], bounds[i]], the last one values above the last bound. {@code exemplarSpanIds}:
 * the span ids (lowercase hex) of the point's exemplars that carry one.
 */
public record HistogramPoint(
    Map<String, Object> attributes,
    long count,
    double sum,
    OptionalDouble min,
    OptionalDouble max,
    List<Long> bucketCounts,
    List<Double> explicitBounds,
    long startTimeUnixNano,
    long timeUnixNano,
    List<String> exemplarSpanIds)
    implements HasAttributes {

  public HistogramPoint {
    bucketCounts = List.copyOf(bucketCounts);
    explicitBounds = List.copyOf(explicitBounds);
    exemplarSpanIds = List.copyOf(exemplarSpanIds);
  }
}
