package dev.blockedtime.javaagent.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.trace.Span;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The one place that names the telemetry of {@code ../shared/CONTRACT.md}: instrument names,
 * units, descriptions, bucket boundaries and attribute keys. Nothing else spells them, and every
 * duration histogram and in-progress gauge pair is built here.
 */
public final class Instruments {

  /** A duration histogram of the contract: seconds, with {@link #DURATION_BUCKETS}. */
  public static DoubleHistogram durationHistogram(Meter meter, String name, String description) {
    return meter
        .histogramBuilder(name)
        .setUnit(UNIT_SECONDS)
        .setDescription(description)
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
        .build();
  }

  /**
   * The in-progress gauges of one kind of wait: how many wait now ({@code countName}, in {@code
   * countUnit}) and how long the oldest has waited ({@code oldestName}, seconds), both filled by
   * {@code observe} once per collection. Only series with something waiting are reported.
   */
  public static void inProgressGauges(
      Meter meter,
      String countName,
      String countUnit,
      String countDescription,
      String oldestName,
      String oldestDescription,
      BiConsumer<ObservableLongMeasurement, ObservableDoubleMeasurement> observe) {
    ObservableLongMeasurement count =
        meter.gaugeBuilder(countName).ofLongs().setUnit(countUnit).setDescription(countDescription).buildObserver();
    ObservableDoubleMeasurement oldest =
        meter.gaugeBuilder(oldestName).setUnit(UNIT_SECONDS).setDescription(oldestDescription).buildObserver();
    meter.batchCallback(() -> observe.accept(count, oldest), count, oldest);
  }

  /**
   * The span event of a wait, added on the waiting thread to its current span if that records:
   * the series' attributes, the duration, the thread, and the stack's text ({@code stackText},
   * null but the first time its hash is seen), stamped when the wait began.
   */
  public static void waitSpanEvent(
      String event,
      Attributes series,
      double seconds,
      String threadName,
      long threadId,
      String stackText,
      long startNanos) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    AttributesBuilder b =
        series.toBuilder().put(DURATION, seconds).put(THREAD_NAME, threadName).put(THREAD_ID, threadId);
    if (stackText != null) {
      b.put(STACK, stackText);
    }
    span.addEvent(event, b.build(), epochNanos(startNanos), TimeUnit.NANOSECONDS);
  }

  /**
   * The log record that gives a stack hash its code path, emitted the first time the hash is
   * seen: its body says what the thread did ({@code seen}, "waiting on ..."), its attributes are
   * {@code what} (the resource's) with the hash, the stack's text and the kind.
   */
  public static void stackRecord(
      Logger logger, String hash, String text, String kind, String seen, AttributesBuilder what) {
    logger
        .logRecordBuilder()
        .setEventName(STACK_LOG_EVENT)
        .setTimestamp(Instant.now())
        .setSeverity(Severity.INFO)
        .setBody("stack " + hash + " first seen " + seen)
        .setAllAttributes(what.put(STACK_HASH, hash).put(STACK, text).put(KIND, kind).build())
        .emit();
  }

  /**
   * The wall-clock time, in epoch nanoseconds, of a past {@code System.nanoTime()} reading: now,
   * minus how long ago (monotonic) it was. What span events are stamped with.
   */
  public static long epochNanos(long nanoTime) {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano() - (System.nanoTime() - nanoTime);
  }

  public static final String SCOPE = "blocked-time";

  public static final String QUEUE_DURATION = "jvm.queue.blocked.duration";
  public static final String QUEUE_THREADS = "jvm.queue.blocked.threads";
  public static final String QUEUE_OLDEST = "jvm.queue.blocked.oldest";
  public static final String LOCK_DURATION = "jvm.lock.blocked.duration";
  public static final String LOCK_THREADS = "jvm.lock.blocked.threads";
  public static final String LOCK_OLDEST = "jvm.lock.blocked.oldest";

  public static final String QUEUE_EVENT = "jvm.queue.blocked";
  public static final String LOCK_EVENT = "jvm.lock.blocked";
  public static final String STACK_LOG_EVENT = "jvm.blocked.stack";

  public static final String UNIT_SECONDS = "s";
  public static final String UNIT_THREADS = "{thread}";

  /**
   * Explicit buckets, in seconds, for waits from about 10 µs to a minute: a 1-2.5-5 progression
   * per decade, so every decade has three boundaries and p99 estimates stay within a factor 2.5.
   */
  public static final List<Double> DURATION_BUCKETS =
      Collections.unmodifiableList(
          Arrays.asList(
              0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
              0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0));

  public static final AttributeKey<String> QUEUE_NAME = AttributeKey.stringKey("jvm.queue.name");
  public static final AttributeKey<String> QUEUE_TYPE = AttributeKey.stringKey("jvm.queue.type");
  public static final AttributeKey<String> QUEUE_OPERATION =
      AttributeKey.stringKey("jvm.queue.operation");
  public static final AttributeKey<String> QUEUE_STATE = AttributeKey.stringKey("jvm.queue.state");

  public static final AttributeKey<String> LOCK_NAME = AttributeKey.stringKey("jvm.lock.name");
  public static final AttributeKey<String> LOCK_TYPE = AttributeKey.stringKey("jvm.lock.type");
  public static final AttributeKey<String> LOCK_OPERATION =
      AttributeKey.stringKey("jvm.lock.operation");
  public static final AttributeKey<String> LOCK_MODE = AttributeKey.stringKey("jvm.lock.mode");

  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("jvm.blocked.outcome");
  public static final AttributeKey<Double> DURATION = AttributeKey.doubleKey("jvm.blocked.duration");
  /** On {@code jvm.blocked.stack} records: {@code queue}, {@code lock}, {@code future} or {@code virtual_thread}. */
  public static final AttributeKey<String> KIND = AttributeKey.stringKey("jvm.blocked.kind");
  public static final AttributeKey<String> STACK_HASH =
      AttributeKey.stringKey("code.stacktrace.hash");
  public static final AttributeKey<String> STACK = AttributeKey.stringKey("code.stacktrace");
  public static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  public static final AttributeKey<Long> THREAD_ID = AttributeKey.longKey("thread.id");

  private Instruments() {}

  // ---------------------------------------------------------------- deadlocks
  // (synchronized contention uses the lock names above: jvm.lock.type "monitor")

  public static final String DEADLOCK_THREADS = "jvm.deadlock.threads";
  public static final String DEADLOCK_LOG_EVENT = "jvm.deadlock";

  // On jvm.deadlock records: arrays of one entry per thread of the cycle, all in the same order
  // (each thread waits for what the next one holds, the last for what the first holds).
  public static final AttributeKey<List<String>> DEADLOCK_THREAD_NAMES =
      AttributeKey.stringArrayKey("jvm.deadlock.thread.names");
  public static final AttributeKey<List<Long>> DEADLOCK_THREAD_IDS =
      AttributeKey.longArrayKey("jvm.deadlock.thread.ids");
  /** The {@code jvm.lock.name} of what each thread waits for. */
  public static final AttributeKey<List<String>> DEADLOCK_WAITING_ON =
      AttributeKey.stringArrayKey("jvm.deadlock.thread.waiting_on");
  /** The {@code jvm.lock.type} of what each thread waits for. */
  public static final AttributeKey<List<String>> DEADLOCK_WAITING_ON_TYPE =
      AttributeKey.stringArrayKey("jvm.deadlock.thread.waiting_on_type");
  /** The object each thread waits for, as {@code class@identityHash}: tells same-named locks apart. */
  public static final AttributeKey<List<String>> DEADLOCK_WAITING_ON_INSTANCE =
      AttributeKey.stringArrayKey("jvm.deadlock.thread.waiting_on_instance");
  /** The {@code jvm.lock.name} of the cycle's resource each thread holds. */
  public static final AttributeKey<List<String>> DEADLOCK_HOLDING =
      AttributeKey.stringArrayKey("jvm.deadlock.thread.holding");
  /** Each thread's top frames, {@code class.method:line}, one per line. */
  public static final AttributeKey<List<String>> DEADLOCK_THREAD_STACKS =
      AttributeKey.stringArrayKey("jvm.deadlock.thread.stacks");

  // ---------------------------------------------------------------- futures and joins
  // (recorded by FutureTelemetry; Object.wait uses the lock names above: type "monitor", operation "wait")

  public static final String FUTURE_DURATION = "jvm.future.blocked.duration";
  public static final String FUTURE_THREADS = "jvm.future.blocked.threads";
  public static final String FUTURE_OLDEST = "jvm.future.blocked.oldest";
  public static final String FUTURE_EVENT = "jvm.future.blocked";
  /** {@code FutureTask}, {@code CompletableFuture}, {@code ForkJoinTask}, {@code Thread}. */
  public static final AttributeKey<String> FUTURE_TYPE = AttributeKey.stringKey("jvm.future.type");
  /** {@code get} or {@code join}. */
  public static final AttributeKey<String> FUTURE_OPERATION =
      AttributeKey.stringKey("jvm.future.operation");

  // ---------------------------------------------------------------- pinned virtual threads

  public static final String PINNED_DURATION = "jvm.thread.virtual.pinned.duration";
  /** The JDK's reason (JDK 24+), else {@code unknown}. */
  public static final AttributeKey<String> PINNED_REASON =
      AttributeKey.stringKey("jvm.thread.virtual.pinned.reason");

  // ---------------------------------------------------------------- gRPC channel readiness
  // (recorded by dev.blockedtime.javaagent.grpc, from helpers in the application's class loader)

  public static final String GRPC_WAIT_DURATION = "grpc.client.channel.wait.duration";
  public static final String GRPC_WAITING_CALLS = "grpc.client.channel.waiting.calls";
  public static final String GRPC_CHANNEL_STATES = "grpc.client.channel.state";
  public static final String GRPC_WAIT_EVENT = "grpc.client.channel.wait";
  public static final String UNIT_CALLS = "{call}";
  public static final String UNIT_CHANNELS = "{channel}";

  /** The channel's target as given to its builder, without user:password@. */
  public static final AttributeKey<String> GRPC_TARGET = AttributeKey.stringKey("grpc.target");
  /** Full method name, {@code package.Service/Method}. */
  public static final AttributeKey<String> GRPC_METHOD = AttributeKey.stringKey("grpc.method");
  /** Channel state: when the wait began (histogram, event), or now (state gauge). */
  public static final AttributeKey<String> GRPC_CHANNEL_STATE =
      AttributeKey.stringKey("grpc.channel.state");
  public static final AttributeKey<Boolean> GRPC_WAIT_FOR_READY =
      AttributeKey.booleanKey("grpc.wait_for_ready");
  /** {@code OK} when the stream started on a ready transport, else the code that ended the wait. */
  public static final AttributeKey<String> GRPC_STATUS = AttributeKey.stringKey("grpc.status");
  /** On {@code grpc.client.channel.wait} events: seconds, double. */
  public static final AttributeKey<Double> GRPC_WAIT_DURATION_SECONDS =
      AttributeKey.doubleKey("grpc.channel.wait.duration");

  // ---------------------------------------------------------------- executors
  // (recorded by dev.blockedtime.javaagent.executor.ExecutorTelemetry)

  public static final String EXECUTOR_DURATION = "jvm.executor.queued.duration";
  public static final String EXECUTOR_TASKS = "jvm.executor.queued.tasks";
  public static final String EXECUTOR_OLDEST = "jvm.executor.queued.oldest";
  public static final String EXECUTOR_EVENT = "jvm.executor.queued";
  public static final String UNIT_TASKS = "{task}";

  /** The alias, else the executor's allocation site; {@code common} for the common pool. */
  public static final AttributeKey<String> EXECUTOR_NAME = AttributeKey.stringKey("jvm.executor.name");
  /** {@code ThreadPoolExecutor}, {@code ScheduledThreadPoolExecutor} or {@code ForkJoinPool}. */
  public static final AttributeKey<String> EXECUTOR_TYPE = AttributeKey.stringKey("jvm.executor.type");
}
