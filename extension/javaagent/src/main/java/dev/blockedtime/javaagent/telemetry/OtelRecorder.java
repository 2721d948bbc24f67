package dev.blockedtime.javaagent.telemetry;

import dev.blockedtime.bootstrap.InProgressWaits;
import dev.blockedtime.bootstrap.Recorder;
import dev.blockedtime.bootstrap.ResourceName;
import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.bootstrap.WaitEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records finished waits as histogram points, span events and stack log records, and reports the
 * waits in progress as gauges. Owns every instrument it uses (see {@link Instruments}).
 *
 * <p>Attribute sets are built once per series and cached: recording a wait looks one up (in its
 * name's own slot, {@link NameSeries}, else a shared map) and records, with no attribute building
 * on the common path. The caches are bounded because the names and stack hashes behind them are.
 */
public final class OtelRecorder implements Recorder {
  private static final int MAX_CACHED_ATTRIBUTE_SETS = 20_000;

  private final DoubleHistogram queueDuration;
  private final DoubleHistogram lockDuration;
  private final Logger logger;
  private final long spanEventThresholdNanos;
  private final ConcurrentHashMap<SeriesKey, Attributes> attributes = new ConcurrentHashMap<>();

  public OtelRecorder(OpenTelemetry openTelemetry, Settings settings) {
    Meter meter = openTelemetry.getMeter(Instruments.SCOPE);
    this.queueDuration =
        Instruments.durationHistogram(
            meter, Instruments.QUEUE_DURATION, "Time threads waited in blocking queue operations.");
    this.lockDuration =
        Instruments.durationHistogram(
            meter, Instruments.LOCK_DURATION, "Time threads waited to acquire or pass a lock or synchronizer.");
    this.logger = openTelemetry.getLogsBridge().get(Instruments.SCOPE);
    this.spanEventThresholdNanos = settings.spanEventThresholdNanos;
    registerInProgressGauges(meter, ResourceName.Kind.QUEUE, Instruments.QUEUE_THREADS, Instruments.QUEUE_OLDEST);
    registerInProgressGauges(meter, ResourceName.Kind.LOCK, Instruments.LOCK_THREADS, Instruments.LOCK_OLDEST);
  }

  /** The first wait's one-time costs on the telemetry side, paid ahead (see {@link WarmUp}). */
  public static void warmUp() throws ClassNotFoundException {
    WarmUp.run();
  }

  @Override
  public void record(WaitEvent e) {
    boolean queue = e.name.kind == ResourceName.Kind.QUEUE;
    String hash = e.stack != null ? e.stack.hash : null;
    Attributes attrs = attributes(e.name, e.operation, e.state, e.outcome, hash);
    double seconds = e.durationNanos / 1e9;
    (queue ? queueDuration : lockDuration).record(seconds, attrs);

    if (e.firstOfStack && e.stack != null) {
      Instruments.stackRecord(
          logger,
          e.stack.hash,
          e.stack.text,
          queue ? "queue" : "lock",
          "waiting on " + e.name.type + " " + e.name.name,
          Attributes.builder()
              .put(queue ? Instruments.QUEUE_NAME : Instruments.LOCK_NAME, e.name.name)
              .put(queue ? Instruments.QUEUE_TYPE : Instruments.LOCK_TYPE, e.name.type));
    }
    if (e.onWaitingThread && e.durationNanos >= spanEventThresholdNanos) {
      Instruments.waitSpanEvent(
          queue ? Instruments.QUEUE_EVENT : Instruments.LOCK_EVENT,
          attrs,
          seconds,
          e.threadName,
          e.threadId,
          e.firstOfStack && e.stack != null ? e.stack.text : null,
          e.startNanos);
    }
  }

  Attributes attributes(ResourceName name, String op, String state, String outcome, String hash) {
    Attributes mine = NameSeries.find(name, op, state, outcome, hash);
    if (mine != null) {
      return mine;
    }
    Attributes attrs = lookUp(name, op, state, outcome, hash);
    NameSeries.remember(name, op, state, outcome, hash, attrs);
    return attrs;
  }

  private Attributes lookUp(ResourceName name, String op, String state, String outcome, String hash) {
    SeriesKey key = new SeriesKey(name, op, state, outcome, hash);
    Attributes cached = attributes.get(key);
    if (cached != null) {
      return cached;
    }
    AttributesBuilder b = resourceAttributes(name, op, state).toBuilder();
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

  /** The resource's own attributes: name, type, operation and state (queues) or mode (locks). */
  private Attributes resourceAttributes(ResourceName name, String op, String state) {
    SeriesKey key = new SeriesKey(name, op, state, null, null);
    Attributes cached = attributes.get(key);
    if (cached != null) {
      return cached;
    }
    boolean queue = name.kind == ResourceName.Kind.QUEUE;
    Attributes built =
        Attributes.of(
            queue ? Instruments.QUEUE_NAME : Instruments.LOCK_NAME, name.name,
            queue ? Instruments.QUEUE_TYPE : Instruments.LOCK_TYPE, name.type,
            queue ? Instruments.QUEUE_OPERATION : Instruments.LOCK_OPERATION, op,
            queue ? Instruments.QUEUE_STATE : Instruments.LOCK_MODE, state);
    if (attributes.size() < MAX_CACHED_ATTRIBUTE_SETS) {
      attributes.putIfAbsent(key, built);
    }
    return built;
  }

  private void registerInProgressGauges(
      Meter meter, ResourceName.Kind kind, String threadsName, String oldestName) {
    Instruments.inProgressGauges(
        meter,
        threadsName,
        Instruments.UNIT_THREADS,
        "Threads waiting right now, per resource and operation.",
        oldestName,
        "How long the oldest wait still in progress has lasted.",
        (threads, oldest) -> {
          for (InProgressWaits.Group g : InProgressWaits.snapshot(kind, System.nanoTime())) {
            Attributes attrs = resourceAttributes(g.name, g.operation, g.state);
            threads.record(g.threads, attrs);
            oldest.record(g.oldestNanos / 1e9, attrs);
          }
        });
  }

  private static final class SeriesKey {
    final ResourceName name;
    final String op;
    final String state;
    final String outcome;
    final String hash;

    SeriesKey(ResourceName name, String op, String state, String outcome, String hash) {
      this.name = name;
      this.op = op;
      this.state = state;
      this.outcome = outcome;
      this.hash = hash;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof SeriesKey)) {
        return false;
      }
      SeriesKey k = (SeriesKey) o;
      return k.name == name
          && k.op.equals(op)
          && k.state.equals(state)
          && Objects.equals(k.outcome, outcome)
          && Objects.equals(k.hash, hash);
    }

    @Override
    public int hashCode() {
      // by hand: Objects.hash boxes and allocates an array on every wait recorded
      int h = System.identityHashCode(name);
      h = 31 * h + op.hashCode();
      h = 31 * h + state.hashCode();
      h = 31 * h + Objects.hashCode(outcome);
      return 31 * h + Objects.hashCode(hash);
    }
  }

}
