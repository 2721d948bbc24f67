package dev.blockedtime.javaagent.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.time.Instant;

/**
 * The telemetry side of the first wait in a JVM, done once at start-up on the extension's own
 * thread: the first point of a histogram series loads and links a few dozen SDK classes
 * (aggregator, exemplar reservoir, adders), which the application's first wait would otherwise
 * pay inside its operation; so does the first stack's log record. The point and the record go to
 * private providers that nothing reads, so nothing is exported.
 */
final class WarmUp {
  private WarmUp() {}

  static void run() throws ClassNotFoundException {
    Class.forName(OtelRecorder.class.getName() + "$SeriesKey");
    SdkLoggerProvider loggers =
        SdkLoggerProvider.builder().addLogRecordProcessor(new Dropped()).build();
    try {
      loggers
          .get(Instruments.SCOPE)
          .logRecordBuilder()
          .setTimestamp(Instant.now())
          .setSeverity(Severity.INFO)
          .setBody("warm-up")
          .setAllAttributes(Attributes.of(Instruments.STACK_HASH, "0000000000000000"))
          .emit();
    } finally {
      loggers.shutdown();
    }
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(new Unread()).build();
    try {
      DoubleHistogram histogram =
          provider
              .get(Instruments.SCOPE)
              .histogramBuilder(Instruments.QUEUE_DURATION)
              .setUnit(Instruments.UNIT_SECONDS)
              .setExplicitBucketBoundariesAdvice(Instruments.DURATION_BUCKETS)
              .build();
      Attributes attrs =
          Attributes.of(
              Instruments.QUEUE_NAME, "warm-up",
              Instruments.QUEUE_TYPE, "ArrayBlockingQueue",
              Instruments.QUEUE_OPERATION, "take",
              Instruments.QUEUE_STATE, "empty");
      histogram.record(0.001, attrs.toBuilder().put(Instruments.OUTCOME, "ok").build());
      attrs.toBuilder().put(Instruments.DURATION, 0.001).put(Instruments.THREAD_ID, 1L).build();
      Span.current().isRecording();
      Instant.now();
    } finally {
      provider.shutdown();
    }
  }

  /** A log record processor that drops what it is given. */
  private static final class Dropped implements LogRecordProcessor {
    @Override
    public void onEmit(Context context, ReadWriteLogRecord logRecord) {}
  }

  /** A reader that is never asked to collect. */
  private static final class Unread implements MetricReader {
    @Override
    public void register(CollectionRegistration registration) {}

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
