package dev.blockedtime.javaagent.monitor;

import dev.blockedtime.bootstrap.Log;
import dev.blockedtime.bootstrap.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedClassLoader;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * The Flight Recorder side of {@link MonitorContention}: a recording of {@code
 * jdk.JavaMonitorEnter} alone, at the monitor threshold, with stacks, streamed on the calling
 * thread. The only class that mentions JFR types.
 *
 * <p>The stream is started with {@link RecordingStream#start()} on our own daemon thread rather
 * than with {@code startAsync()}: that one names its thread after JFR and, on some JDKs (25),
 * makes it a non-daemon thread, which would keep the application from exiting. No maximum age or
 * size is set, so JFR removes each chunk of the repository once the stream has read it.
 */
final class JfrMonitorEvents {
  static final String EVENT = "jdk.JavaMonitorEnter";

  private JfrMonitorEvents() {}

  /** Runs the stream on the calling thread until it is closed (in practice: until the JVM exits). */
  static void stream(Settings settings) {
    long thresholdNanos = settings.monitorThresholdNanos;
    int stackDepth = settings.stackDepth;
    try (RecordingStream stream = new RecordingStream()) {
      if (settings.monitors) {
        stream.enable(EVENT).withThreshold(Duration.ofNanos(thresholdNanos)).withStackTrace();
        stream.onEvent(EVENT, event -> onEvent(event, thresholdNanos, stackDepth));
      }
      JfrWaitEvents.enable(stream, settings);
      stream.start();
    }
  }

  private static void onEvent(RecordedEvent event, long thresholdNanos, int stackDepth) {
    try {
      long durationNanos = event.getDuration().toNanos();
      if (durationNanos < thresholdNanos) {
        return; // the repository is shared: another recording may ask for shorter waits
      }
      RecordedThread thread = event.getThread();
      RecordedClass monitor = event.getClass("monitorClass");
      String threadName = thread != null ? thread.getJavaName() : null;
      String monitorClass = monitor != null ? monitor.getName() : null;
      if (!MonitorContention.isApplicationWait(threadName, monitorClass, loaderClass(monitor))) {
        return;
      }
      MonitorContention.record(
          monitorClass,
          durationNanos,
          frames(event.getStackTrace(), stackDepth),
          threadName,
          thread.getJavaThreadId());
    } catch (Throwable t) {
      Log.once(
          "monitors.event",
          "cannot read a " + EVENT + " event; some synchronized contention is not recorded",
          t);
    }
  }

  private static String loaderClass(RecordedClass monitor) {
    RecordedClassLoader loader = monitor != null ? monitor.getClassLoader() : null;
    RecordedClass loaderType = loader != null ? loader.getType() : null;
    return loaderType != null ? loaderType.getName() : null;
  }

  /** The top frames, the method that entered the monitor first, as {@code class.method:line}. */
  private static List<String> frames(RecordedStackTrace stack, int depth) {
    List<String> lines = new ArrayList<>(depth);
    if (stack == null) {
      return lines;
    }
    for (RecordedFrame frame : stack.getFrames()) {
      if (lines.size() == depth) {
        break;
      }
      if (!frame.isJavaFrame() || frame.getMethod() == null) {
        continue;
      }
      String className = frame.getMethod().getType().getName();
      if (MonitorContention.isStackFrame(className)) {
        lines.add(MonitorContention.frame(className, frame.getMethod().getName(), frame.getLineNumber()));
      }
    }
    return lines;
  }
}
