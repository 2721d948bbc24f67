package dev.blockedtime.javaagent.grpc;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.GrpcChannels;
import dev.blockedtime.javaagent.telemetry.Instruments;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC part's instruments: the wait histogram, the span event, and the two channel gauges.
 * Names, units and buckets come from {@link Instruments}.
 *
 * <p>This is a helper class: each application class loader with gRPC gets its own copy, so each
 * copy builds the histogram (the SDK hands every copy the same storage for the same name and
 * description). The gauges read the JVM-wide {@link GrpcChannels} table and are registered by the
 * first copy only ({@link GrpcChannels#claimGauges}), so no channel is counted twice.
 *
 * <p>Attribute sets are built once per series and cached; the caches are bounded.
 */
final class GrpcWaitTelemetry {
  private static final int MAX_CACHED_ATTRIBUTE_SETS = 10_000;
  private static final GrpcWaitTelemetry INSTANCE = new GrpcWaitTelemetry();

  private final DoubleHistogram waitDuration;
  private final long spanEventThresholdNanos;
  private final AttributeCache waitAttributes = new AttributeCache();

  private GrpcWaitTelemetry() {
    Meter meter = GlobalOpenTelemetry.get().getMeter(Instruments.SCOPE);
    waitDuration =
        Instruments.durationHistogram(
            meter,
            Instruments.GRPC_WAIT_DURATION,
            "Time gRPC calls waited for a ready transport before their stream started.");
    spanEventThresholdNanos = BlockedTime.settings().spanEventThresholdNanos;
    if (GrpcChannels.claimGauges()) {
      registerGauges(meter);
    }
  }

  static GrpcWaitTelemetry get() {
    return INSTANCE;
  }

  /** One finished wait: a histogram point, and an event on the call's span if long enough. */
  void record(
      String target,
      String method,
      String state,
      boolean waitForReady,
      String status,
      long startNanos,
      long endNanos,
      Span span) {
    String key = target + '\n' + method + '\n' + state + '\n' + waitForReady + '\n' + status;
    Attributes attributes = waitAttributes.get(key);
    if (attributes == null) {
      attributes =
          waitAttributes.put(
              key,
              Attributes.builder()
                  .put(Instruments.GRPC_TARGET, target)
                  .put(Instruments.GRPC_METHOD, method)
                  .put(Instruments.GRPC_CHANNEL_STATE, state)
                  .put(Instruments.GRPC_WAIT_FOR_READY, waitForReady)
                  .put(Instruments.GRPC_STATUS, status)
                  .build());
    }
    long nanos = Math.max(0, endNanos - startNanos);
    double seconds = nanos / 1e9;
    waitDuration.record(seconds, attributes);
    if (span != null && nanos >= spanEventThresholdNanos && span.isRecording()) {
      span.addEvent(
          Instruments.GRPC_WAIT_EVENT,
          attributes.toBuilder().put(Instruments.GRPC_WAIT_DURATION_SECONDS, seconds).build(),
          Instruments.epochNanos(startNanos),
          TimeUnit.NANOSECONDS);
    }
  }

  private static void registerGauges(Meter meter) {
    ObservableLongMeasurement waiting =
        meter
            .gaugeBuilder(Instruments.GRPC_WAITING_CALLS)
            .ofLongs()
            .setUnit(Instruments.UNIT_CALLS)
            .setDescription("gRPC calls waiting right now for a ready transport, per channel target.")
            .buildObserver();
    ObservableLongMeasurement states =
        meter
            .gaugeBuilder(Instruments.GRPC_CHANNEL_STATES)
            .ofLongs()
            .setUnit(Instruments.UNIT_CHANNELS)
            .setDescription("Live gRPC channels per target and connectivity state.")
            .buildObserver();
    AttributeCache gaugeAttributes = new AttributeCache();
    meter.batchCallback(
        () -> {
          List<String> names = GrpcChannels.LIVE_STATES;
          for (GrpcChannels.Target t : GrpcChannels.snapshot()) {
            waiting.record(t.waitingCalls, targetAttributes(gaugeAttributes, t.target, null));
            long live = 0;
            for (long n : t.channels) {
              live += n;
            }
            if (live == 0) {
              continue; // only shut-down channels with calls still waiting
            }
            for (int i = 0; i < names.size(); i++) {
              states.record(t.channels[i], targetAttributes(gaugeAttributes, t.target, names.get(i)));
            }
          }
        },
        waiting,
        states);
  }

  private static Attributes targetAttributes(AttributeCache cache, String target, String state) {
    String key = state == null ? target : target + '\n' + state;
    Attributes attributes = cache.get(key);
    if (attributes == null) {
      attributes =
          cache.put(
              key,
              state == null
                  ? Attributes.of(Instruments.GRPC_TARGET, target)
                  : Attributes.of(
                      Instruments.GRPC_TARGET, target, Instruments.GRPC_CHANNEL_STATE, state));
    }
    return attributes;
  }

  /** A bounded map of built attribute sets; past the bound, sets are built each time. */
  static final class AttributeCache {
    private final ConcurrentHashMap<String, Attributes> map = new ConcurrentHashMap<>();

    Attributes get(String key) {
      return map.get(key);
    }

    Attributes put(String key, Attributes attributes) {
      if (map.size() < MAX_CACHED_ATTRIBUTE_SETS) {
        Attributes raced = map.putIfAbsent(key, attributes);
        return raced != null ? raced : attributes;
      }
      return attributes;
    }
  }
}
