package dev.blockedtime.javaagent.telemetry;

import dev.blockedtime.bootstrap.Frames;
import dev.blockedtime.bootstrap.FutureRecorder;
import dev.blockedtime.bootstrap.FutureWaitEvent;
import dev.blockedtime.bootstrap.FutureWaits;
import dev.blockedtime.bootstrap.Settings;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records waits for futures and joins ({@code jvm.future.blocked.*}, span event {@code
 * jvm.future.blocked}) and pinned virtual threads ({@code jvm.thread.virtual.pinned.duration}), as
 * {@link OtelRecorder} does for queues and locks: attribute sets cached per series, a stack record
 * the first time a hash is seen, a span event only on the waiting thread.
 *
 * <p>The cache is bounded because its keys are: a handful of types, operations, outcomes and
 * reasons, times the stack hashes, which the core caps.
 */
public final class FutureTelemetry implements FutureRecorder {
  private static final int MAX_CACHED_ATTRIBUTE_SETS = 20_000;
  private static final String UNIT_THREADS = Instruments.UNIT_THREADS;

  private final DoubleHistogram futureDuration;
  private final DoubleHistogram pinnedDuration;
  private final Logger logger;
  private final long spanEventThresholdNanos;
  private final ConcurrentHashMap<Key, Attributes> attributes = new ConcurrentHashMap<>();

  public FutureTelemetry(OpenTelemetry openTelemetry, Settings settings) {
    Meter meter = openTelemetry.getMeter(Instruments.SCOPE);
    this.futureDuration =
        Instruments.durationHistogram(
            meter, Instruments.FUTURE_DURATION, "Time threads waited for a future, a task or a thread to finish.");
    this.pinnedDuration =
        Instruments.durationHistogram(
            meter, Instruments.PINNED_DURATION, "Time virtual threads blocked while pinned to their carrier thread.");
    this.logger = openTelemetry.getLogsBridge().get(Instruments.SCOPE);
    this.spanEventThresholdNanos = settings.spanEventThresholdNanos;
    if (settings.futures) {
      registerInProgressGauges(meter);
    }
  }

  @Override
  public void record(FutureWaitEvent e) {
    String hash = e.stack != null ? e.stack.hash : null;
    Attributes attrs =
        attributes(Instruments.FUTURE_TYPE, e.type, Instruments.FUTURE_OPERATION, e.operation, e.outcome, hash);
    double seconds = e.durationNanos / 1e9;
    futureDuration.record(seconds, attrs);
    if (e.firstOfStack && e.stack != null) {
      Instruments.stackRecord(
          logger,
          e.stack.hash,
          e.stack.text,
          "future",
          "waiting for " + e.type + "." + e.operation,
          Attributes.builder()
              .put(Instruments.FUTURE_TYPE, e.type)
              .put(Instruments.FUTURE_OPERATION, e.operation));
    }
    if (e.onWaitingThread && e.durationNanos >= spanEventThresholdNanos) {
      Instruments.waitSpanEvent(
          Instruments.FUTURE_EVENT,
          attrs,
          seconds,
          e.threadName,
          e.threadId,
          e.firstOfStack && e.stack != null ? e.stack.text : null,
          e.startNanos);
    }
  }

  @Override
  public void recordPinned(
      String reason, long durationNanos, Frames.StackInfo stack, boolean firstOfStack) {
    String hash = stack != null ? stack.hash : null;
    pinnedDuration.record(
        durationNanos / 1e9, attributes(Instruments.PINNED_REASON, reason, null, null, null, hash));
    if (firstOfStack && stack != null) {
      Instruments.stackRecord(
          logger,
          stack.hash,
          stack.text,
          "virtual_thread",
          "pinned (" + reason + ")",
          Attributes.builder().put(Instruments.PINNED_REASON, reason));
    }
  }

  private Attributes attributes(
      AttributeKey<String> k1, String v1, AttributeKey<String> k2, String v2, String outcome, String hash) {
    Key key = new Key(v1, v2, outcome, hash);
    Attributes cached = attributes.get(key);
    if (cached != null) {
      return cached;
    }
    AttributesBuilder b = Attributes.builder().put(k1, v1);
    if (k2 != null) {
      b.put(k2, v2);
    }
    if (outcome != null) {
      b.put(Instruments.OUTCOME, outcome);
    }
    if (hash != null) {
      b.put(Instruments.STACK_HASH, hash);
    }
    Attributes built = b.build();
    if (attributes.size() < MAX_CACHED_ATTRIBUTE_SETS) {
      attributes.putIfAbsent(key, built);
    }
    return built;
  }

  private void registerInProgressGauges(Meter meter) {
    Instruments.inProgressGauges(
        meter,
        Instruments.FUTURE_THREADS,
        UNIT_THREADS,
        "Threads waiting right now for a future, a task or a thread to finish.",
        Instruments.FUTURE_OLDEST,
        "How long the oldest wait for a future still in progress has lasted.",
        (threads, oldest) -> {
          for (FutureWaits.Group g : FutureWaits.snapshot(System.nanoTime())) {
            Attributes attrs =
                attributes(
                    Instruments.FUTURE_TYPE, g.type, Instruments.FUTURE_OPERATION, g.operation, null, null);
            threads.record(g.threads, attrs);
            oldest.record(g.oldestNanos / 1e9, attrs);
          }
        });
  }

  /** A series: type and operation (or a pinned reason and null), outcome, stack hash. */
  private static final class Key {
    final String first;
    final String second;
    final String outcome;
    final String hash;

    Key(String first, String second, String outcome, String hash) {
      this.first = first;
      this.second = second;
      this.outcome = outcome;
      this.hash = hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return k.first.equals(first)
          && Objects.equals(k.second, second)
          && Objects.equals(k.outcome, outcome)
          && Objects.equals(k.hash, hash);
    }

    @Override
    public int hashCode() {
      // by hand: Objects.hash boxes and allocates an array on every wait recorded
      int h = first.hashCode();
      h = 31 * h + Objects.hashCode(second);
      h = 31 * h + Objects.hashCode(outcome);
      return 31 * h + Objects.hashCode(hash);
    }
  }
}
