package dev.blockedtime.javaagent.monitor;

import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedClassLoader;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;

/**
 * What both readers of Flight Recorder events ({@link JfrMonitorEvents}, {@link JfrWaitEvents})
 * take from an event the same way: the loader of the monitor's class, and the stack's frames.
 */
final class JfrFrames {
  private JfrFrames() {}

  /** The class of the loader that defined {@code monitor}'s class; null for the boot loader. */
  static String loaderClass(RecordedClass monitor) {
    RecordedClassLoader loader = monitor != null ? monitor.getClassLoader() : null;
    RecordedClass loaderType = loader != null ? loader.getType() : null;
    return loaderType != null ? loaderType.getName() : null;
  }

  /**
   * The top Java frames, innermost first, as {@code class.method:line}, without the frames {@link
   * MonitorContention#isStackFrame} leaves out (hidden and reflection frames): at most {@code
   * limit}.
   */
  static List<String> frames(RecordedStackTrace stack, int limit) {
    List<String> lines = new ArrayList<>(limit);
    if (stack == null) {
      return lines;
    }
    for (RecordedFrame frame : stack.getFrames()) {
      if (lines.size() == limit) {
        break;
      }
      if (!frame.isJavaFrame() || frame.getMethod() == null) {
        continue;
      }
      String className = frame.getMethod().getType().getName();
      if (MonitorContention.isStackFrame(className)) {
        String method = frame.getMethod().getName();
        lines.add(MonitorContention.frame(className, method, frame.getLineNumber()));
      }
    }
    return lines;
  }
}
