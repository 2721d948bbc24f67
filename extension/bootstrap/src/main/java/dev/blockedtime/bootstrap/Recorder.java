package dev.blockedtime.bootstrap;

/**
 * Turns finished waits into telemetry. Implemented by the extension's OpenTelemetry bridge, which
 * lives outside the bootstrap class path; the core only knows this interface.
 *
 * <p>Called on the thread that waited, or on the recorder thread for the waits handed to it, with
 * re-entry into the instrumentation suppressed. It must not throw; the core catches and logs once
 * if it does.
 */
public interface Recorder {
  /** The wait's histogram point, its stack's log record, and its span event if it is on the waiting thread. */
  void record(WaitEvent event);

  /**
   * On the waiting thread, for a wait whose {@link #record} runs later on the recorder thread (see
   * {@link Deferred}): what needs the waiting thread's context, its span event and the context
   * that the histogram point's exemplar comes from ({@link WaitEvent#context}).
   */
  default void onWaitingThread(WaitEvent event) {}
}
