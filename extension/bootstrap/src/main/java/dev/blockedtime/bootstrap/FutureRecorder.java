package dev.blockedtime.bootstrap;

/**
 * Turns finished future waits, and pinned virtual threads, into telemetry. Implemented by the
 * extension's OpenTelemetry bridge; the core only knows this interface.
 *
 * <p>{@link #record} is called on the thread that waited (or, for waits observed by JFR, on the
 * JFR stream's thread), with re-entry into the instrumentation suppressed. Neither method may
 * throw; the core catches and logs once if one does.
 */
public interface FutureRecorder {
  void record(FutureWaitEvent event);

  /**
   * A virtual thread that blocked while pinned to its carrier, observed by JFR: {@code reason} is
   * the JDK's, or {@code unknown}; {@code stack} may be null.
   */
  void recordPinned(String reason, long durationNanos, Frames.StackInfo stack, boolean firstOfStack);
}
