package dev.blockedtime.bootstrap;

/**
 * Turns finished waits into telemetry. Implemented by the extension's OpenTelemetry bridge, which
 * lives outside the bootstrap class path; the core only knows this interface.
 *
 * <p>Called on the thread that waited, with re-entry into the instrumentation suppressed. It must
 * not throw; the core catches and logs once if it does.
 */
public interface Recorder {
  void record(WaitEvent event);
}
