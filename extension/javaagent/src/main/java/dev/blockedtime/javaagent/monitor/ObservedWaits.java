package dev.blockedtime.javaagent.monitor;

import dev.blockedtime.bootstrap.Settings;
import java.util.List;

/**
 * What the JFR stream's wait events mean, without a JFR type (so it is unit-testable and loads on
 * a JVM without {@code jdk.jfr}): which {@code jdk.JavaMonitorWait} events are a platform thread's
 * {@code Thread.join}, where a waiting stack starts, and the reason of a pinned virtual thread.
 */
final class ObservedWaits {
  /** {@code jvm.lock.operation} of an {@code Object.wait}. */
  static final String WAIT = "wait";
  /** {@code jvm.thread.virtual.pinned.reason} when the JDK gives none (before JDK 24). */
  static final String UNKNOWN_REASON = "unknown";
  /** The thread id of an event whose thread JFR did not name (see {@link MonitorContention#isApplicationWait}). */
  static final long NO_THREAD_ID = -1;

  /** JDK threads that wait on monitors of their own for a living (reference processing). */
  private static final List<String> JDK_THREADS =
      List.of("Finalizer", "Reference Handler", "Common-Cleaner");

  private static final String OBJECT = "java.lang.Object";
  private static final String THREAD = "java.lang.Thread";

  private ObservedWaits() {}

  /** Whether the JVM can report pinned virtual threads (JDK 21+) and they are wanted. */
  static boolean pinnedWanted(Settings settings) {
    return settings.virtualThreads && Runtime.version().feature() >= 21;
  }

  /** Whether the JFR stream runs at all: for monitors, or for pinned virtual threads. */
  static boolean streamWanted(Settings settings) {
    return settings.monitors || pinnedWanted(settings);
  }

  /**
   * Whether the stream asks for {@code jdk.JavaMonitorWait}: {@code Object.wait} belongs to the
   * monitor part, and a platform thread's {@code Thread.join} waits there too.
   */
  static boolean monitorWaitsWanted(Settings settings) {
    return settings.monitors || settings.futures;
  }

  /**
   * Whether a monitor wait is the JDK's own (reference processing threads, {@code
   * java.lang.ref} locks): not the application's.
   */
  static boolean isJdkInternal(String threadName, String monitorClass) {
    return (threadName != null && JDK_THREADS.contains(threadName))
        || monitorClass.startsWith("java.lang.ref.");
  }

  /**
   * Whether a {@code jdk.JavaMonitorWait} stack, top frame first as {@code class.method:line},
   * is {@code Thread.join}: {@code Object.wait} frames, then {@code Thread.join}. A wait whose
   * stack JFR lost (JDK 17, across a chunk rotation) on a {@code java.lang.Thread} is taken for a
   * join, what nearly every wait on a thread is; on a subclass of it, it stays a monitor wait.
   */
  static boolean isJoin(List<String> frames, String monitorClass) {
    if (frames.isEmpty()) {
      return THREAD.equals(monitorClass);
    }
    for (String f : frames) {
      if (f.startsWith(THREAD + ".join:")) {
        return true;
      }
      if (!f.startsWith(OBJECT + ".")) {
        return false;
      }
    }
    return false;
  }

  /**
   * The frames from the caller of {@code Object.wait} (or of {@code Thread.join}), at most
   * {@code depth}.
   */
  static List<String> callerFrames(List<String> frames, int depth) {
    int i = 0;
    while (i < frames.size()
        && (frames.get(i).startsWith(OBJECT + ".") || frames.get(i).startsWith(THREAD + ".join:"))) {
      i++;
    }
    return frames.subList(i, Math.min(frames.size(), i + depth));
  }

  /** The frames from the first one outside the JDK (a pinned thread's park is the JDK's), at most {@code depth}. */
  static List<String> applicationFrames(List<String> frames, int depth) {
    int i = 0;
    while (i < frames.size() && isJdk(frames.get(i))) {
      i++;
    }
    return frames.subList(i, Math.min(frames.size(), i + depth));
  }

  private static boolean isJdk(String frame) {
    return frame.startsWith("java.")
        || frame.startsWith("javax.")
        || frame.startsWith("jdk.")
        || frame.startsWith("sun.")
        || frame.startsWith("com.sun.");
  }

  /**
   * The JDK's pinned reason (JDK 24+), else {@value #UNKNOWN_REASON}. The JDK names the code that
   * pins ({@code VM call to com.acme.Config.<clinit> on stack}); the stack hash already tells code
   * paths apart, so a qualified name becomes its method's kind ({@code <clinit>}, {@code <init>})
   * or {@code method}, which keeps the attribute's values few. Past {@value #MAX_REASONS}
   * distinct reasons, new ones are {@value #OTHER_REASON}.
   */
  static String pinnedReason(String raw) {
    if (raw == null || raw.isBlank()) {
      return UNKNOWN_REASON;
    }
    StringBuilder b = new StringBuilder(raw.length());
    for (String token : raw.trim().split("\\s+")) {
      if (b.length() > 0) {
        b.append(' ');
      }
      int dot = token.lastIndexOf('.');
      if (dot > 0 && dot < token.length() - 1 && Character.isJavaIdentifierStart(token.charAt(0))) {
        String method = token.substring(dot + 1);
        b.append(method.startsWith("<") ? method : "method");
      } else {
        b.append(token);
      }
    }
    String reason = b.toString();
    if (REASONS.contains(reason)) {
      return reason;
    }
    if (REASONS.size() >= MAX_REASONS) {
      return OTHER_REASON;
    }
    REASONS.add(reason);
    return reason;
  }

  static final int MAX_REASONS = 32;
  static final String OTHER_REASON = "_other";
  private static final java.util.Set<String> REASONS = java.util.concurrent.ConcurrentHashMap.newKeySet();
}
