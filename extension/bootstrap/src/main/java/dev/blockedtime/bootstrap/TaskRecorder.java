package dev.blockedtime.bootstrap;

/**
 * Turns executor tasks' queued times into telemetry. Implemented by the extension's OpenTelemetry
 * bridge; the core only knows this interface. Neither method may throw (the core catches and logs
 * once if one does).
 */
public interface TaskRecorder {
  /**
   * Called on the submitting thread, once per task submitted: what to hand back with the task's
   * queued time so that its span event lands on the submitter's span (the span the agent makes
   * current when the task starts). Null when there is none. Must be cheap: every submission pays it.
   */
  Object currentContext();

  /**
   * Called on the thread that starts the task, just before it runs: one point per task started.
   * {@code sinceNanos} ({@link System#nanoTime()}) is when the task was submitted or fell due,
   * {@code queuedNanos} how long it waited since then; {@code context} is what {@link
   * #currentContext()} returned at submission, or null.
   */
  void queued(ResourceName executor, long sinceNanos, long queuedNanos, Object context);
}
