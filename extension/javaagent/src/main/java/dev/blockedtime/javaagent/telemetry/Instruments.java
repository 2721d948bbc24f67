package dev.blockedtime.javaagent.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The one place that names the telemetry of {@code ../shared/CONTRACT.md}: instrument names,
 * units, descriptions, bucket boundaries and attribute keys. Nothing else spells them.
 */
public final class Instruments {
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
  /** On {@code jvm.blocked.stack} records: {@code queue} or {@code lock}. */
  public static final AttributeKey<String> KIND = AttributeKey.stringKey("jvm.blocked.kind");
  public static final AttributeKey<String> STACK_HASH =
      AttributeKey.stringKey("code.stacktrace.hash");
  public static final AttributeKey<String> STACK = AttributeKey.stringKey("code.stacktrace");
  public static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  public static final AttributeKey<Long> THREAD_ID = AttributeKey.longKey("thread.id");

  private Instruments() {}
}
