package dev.blockedtime.javaagent.telemetry;

import dev.blockedtime.bootstrap.BlockedTime;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
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
 * pay inside its operation; so does the first stack's log record. Then it rehearses the wait path
 * itself ({@link BlockedTime#rehearse}) often enough for the JIT to compile it. The points and the
 * record go to private providers that nothing reads, so nothing is exported.
 */
final class WarmUp {
  /**
   * Rounds of the rehearsal: past the JIT's thresholds for the methods of the wait path (a few
   * thousand calls). Each round is two timed waits of a nanosecond, which give up without parking:
   * about 0.1 s of the warm-up thread, once.
   */
  static final int REHEARSAL_ROUNDS = 5_000;

  private WarmUp() {}

  static void run() throws ClassNotFoundException {
    Class.forName(OtelRecorder.class.getName() + "$SeriesKey");
    SdkLoggerProvider loggers =
        SdkLoggerProvider.builder().addLogRecordProcessor(new Dropped()).build();
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(new Unread()).build();
    try {
      loggers
          .get(Instruments.SCOPE)
          .logRecordBuilder()
          .setTimestamp(Instant.now())
          .setSeverity(Severity.INFO)
          .setBody("warm-up")
          .setAllAttributes(Attributes.of(Instruments.STACK_HASH, "0000000000000000"))
          .emit();
      Attributes attrs =
          Attributes.of(
              Instruments.QUEUE_NAME, "warm-up",
              Instruments.QUEUE_TYPE, "ArrayBlockingQueue",
              Instruments.QUEUE_OPERATION, "take",
              Instruments.QUEUE_STATE, "empty");
      attrs.toBuilder().put(Instruments.DURATION, 0.001).put(Instruments.THREAD_ID, 1L).build();
      Span.current().isRecording();
      OpenTelemetrySdk sdk =
          OpenTelemetrySdk.builder().setMeterProvider(meters).setLoggerProvider(loggers).build();
      BlockedTime.rehearse(new OtelRecorder(sdk, BlockedTime.settings()), REHEARSAL_ROUNDS);
    } finally {
      meters.shutdown();
      loggers.shutdown();
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
