package dev.blockedtime.javaagent.executor;

import dev.blockedtime.bootstrap.ExecutorTasks;
import dev.blockedtime.bootstrap.ResourceName;
import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.bootstrap.TaskRecorder;
import dev.blockedtime.javaagent.telemetry.Instruments;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;

/**
 * Executor tasks' queued time as telemetry: one histogram point per task started, the tasks
 * waiting to start as gauges, and a span event on the submitter's span for a task that waited at
 * least the span-event threshold. Instruments are named in {@link Instruments}.
 *
 * <p>{@link #queued} runs on the thread that starts the task, once per task: it looks up the
 * executor's attributes in the slot its name keeps for them and records, allocating nothing.
 */
public final class ExecutorTelemetry implements TaskRecorder {
  private final DoubleHistogram duration;
  private final long spanEventThresholdNanos;

  public ExecutorTelemetry(OpenTelemetry openTelemetry, Settings settings) {
    Meter meter = openTelemetry.getMeter(Instruments.SCOPE);
    this.duration =
        Instruments.durationHistogram(
            meter,
            Instruments.EXECUTOR_DURATION,
            "Time executor tasks waited to start: from submission, or from when a scheduled task fell"
                + " due, to the start of its run.");
    this.spanEventThresholdNanos = settings.spanEventThresholdNanos;
    Instruments.inProgressGauges(
        meter,
        Instruments.EXECUTOR_TASKS,
        Instruments.UNIT_TASKS,
        "Tasks submitted to an executor (or due) and not yet started.",
        Instruments.EXECUTOR_OLDEST,
        "How long the oldest task waiting to start has waited.",
        (tasks, oldest) -> {
          for (ExecutorTasks.Group g : ExecutorTasks.snapshot(System.nanoTime())) {
            Attributes attrs = attributes(g.name);
            tasks.record(g.tasks, attrs);
            oldest.record(g.oldestNanos / 1e9, attrs);
          }
        });
  }

  @Override
  public Object currentContext() {
    Context context = Context.current();
    return context == Context.root() ? null : context;
  }

  @Override
  public void queued(ResourceName executor, long sinceNanos, long queuedNanos, Object context) {
    Attributes attrs = attributes(executor);
    double seconds = queuedNanos * 1e-9; // a multiply: a division's latency is several of them
    // The submitter's context, not the worker's current one (which the agent has not set yet):
    // an exemplar, where the SDK keeps one, points at the trace that queued the task, and the
    // SDK does not look the current context up once more per task.
    Context submitter = context == null ? Context.root() : (Context) context;
    duration.record(seconds, attrs, submitter);
    if (context == null || queuedNanos < spanEventThresholdNanos) {
      return;
    }
    Span span = Span.fromContext(submitter);
    if (span.isRecording()) {
      span.addEvent(
          Instruments.EXECUTOR_EVENT,
          attrs.toBuilder().put(Instruments.DURATION, seconds).build(),
          Instruments.epochNanos(sinceNanos),
          TimeUnit.NANOSECONDS);
    }
  }

  /** The executor's attributes, built once per name and kept in the name's bridge slot. */
  static Attributes attributes(ResourceName executor) {
    Object cached = executor.bridgeCache;
    if (cached instanceof Attributes) {
      return (Attributes) cached;
    }
    Attributes attrs =
        Attributes.of(
            Instruments.EXECUTOR_NAME, executor.name, Instruments.EXECUTOR_TYPE, executor.type);
    executor.bridgeCache = attrs;
    return attrs;
  }
}
