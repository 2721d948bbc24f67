package dev.blockedtime.e2e.harness;

/**
 * What a metric was declared as, taken from its latest export.
 *
 * @param temporality {@code CUMULATIVE} or {@code DELTA} for sums and histograms, empty for gauges
 */
public record MetricInfo(
    String name,
    String description,
    String unit,
    Type type,
    String temporality,
    String scopeName,
    String scopeVersion) {

  public enum Type {
    GAUGE,
    SUM,
    HISTOGRAM,
    EXPONENTIAL_HISTOGRAM,
    SUMMARY,
    UNKNOWN
  }
}
