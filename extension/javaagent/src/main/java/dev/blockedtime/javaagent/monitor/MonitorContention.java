package dev.blockedtime.javaagent.monitor;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.InProgressWaits;
import dev.blockedtime.bootstrap.LockOps;
import dev.blockedtime.bootstrap.Log;
import dev.blockedtime.bootstrap.ResourceName;
import dev.blockedtime.bootstrap.Settings;
import java.util.List;

/**
 * {@code synchronized} contention: the JVM's own {@code jdk.JavaMonitorEnter} events, streamed
 * inside the JVM by Flight Recorder, each recorded as one {@code monitor_enter} wait on the
 * monitor's class.
 *
 * <p>Threads: one daemon thread, {@value #THREAD_NAME}, starts the stream {@link #START_DELAY_MILLIS}
 * ms after the agent, then receives every event and records it. The delay keeps JFR's own start
 * (half a second to a second of CPU, measured on 2 vCPUs) out of the application's start-up, the
 * moment a JVM is shortest of CPU; contention before it is not recorded. JFR hands events over
 * about once a second, after the wait ended and on that thread, so monitor waits never become span
 * events. The thread being a daemon, the JVM exits without waiting for it; JFR's own shutdown hook
 * ends the recording.
 *
 * <p>This class does not mention any JFR type, so it loads on a JVM without the {@code jdk.jfr}
 * module; {@link JfrMonitorEvents} holds everything that does. If JFR is missing or fails, one
 * line is logged and the rest of blocked-time runs on without monitors.
 */
public final class MonitorContention {
  static final String THREAD_NAME = "blocked-time-jfr";
  static final long START_DELAY_MILLIS = 10_000;
  /** {@code jvm.lock.type} of a monitor wait (also of a monitor in a deadlock cycle). */
  public static final String TYPE = "monitor";
  /** {@code jvm.lock.operation} of a monitor wait. */
  static final String OPERATION = "monitor_enter";

  // The agent's and this extension's classes: their monitors are the agent's business.
  private static final String[] AGENT_CLASS_PREFIXES = {
    "io.opentelemetry.javaagent.", "dev.blockedtime.bootstrap.", "dev.blockedtime.javaagent.",
  };
  // Flight Recorder's own threads exist because of this stream: their contention is our cost.
  private static final String JFR_THREAD_PREFIX = "JFR ";
  private static final String JFR_CLASS_PREFIX = "jdk.jfr.";

  private MonitorContention() {}

  /**
   * Whether the stream runs: for the monitor part, or for pinned virtual threads (JDK 21+). It
   * also carries {@code Object.wait} and platform threads' {@code Thread.join} (see {@link
   * JfrWaitEvents}).
   */
  public static boolean wanted(Settings settings) {
    return ObservedWaits.streamWanted(settings);
  }

  /** Starts streaming monitor events; returns at once. Called once, when recording starts. */
  public static void start(Settings settings) {
    try {
      startThread(() -> stream(settings));
    } catch (Throwable t) {
      unavailable(t);
    }
  }

  /** Starts {@code body} on a new daemon thread with the stream's name (also a renewed stream's). */
  static void startThread(Runnable body) {
    Thread thread = new Thread(body, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
  }

  private static void stream(Settings settings) {
    try {
      Thread.sleep(START_DELAY_MILLIS);
      if (shuttingDown()) {
        return;
      }
      JfrMonitorEvents.stream(settings);
    } catch (InterruptedException e) {
      return;
    } catch (Throwable t) {
      unavailable(t);
    }
  }

  private static void unavailable(Throwable t) {
    if (shuttingDown()) {
      return; // the JVM ended while JFR was starting
    }
    Log.once(
        "monitors.jfr",
        "cannot stream JFR monitor events (" + t + "); synchronized contention is not recorded",
        null);
  }

  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {}, THREAD_NAME + "-probe");
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true; // "Shutdown in progress"
    }
  }

  /**
   * Whether a monitor wait of this thread on a monitor of this class is the application's: not on
   * one of the agent's threads, ours or JFR's, and not on a monitor of the agent's or this
   * extension's classes (by name, or by the agent's class loader, which also covers the libraries
   * the agent bundles). {@code loaderClass} is the class name of the monitor class's loader, null
   * for the boot loader.
   *
   * <p>{@code threadName} is null when JFR did not name the thread. JDK 17 loses the thread (and
   * often the stack) of an event whose thread ended just before a chunk rotation, which every
   * recording's start or stop causes (a stream's handover too). Such a wait is still the
   * application's: the agent's threads live as long as the JVM, so every chunk names them. Our
   * stream's threads end, each right after closing its stream at a handover, which rotates the
   * chunk: a thread-less wait on one of Flight Recorder's own monitors may be theirs, so it is left
   * out.
   */
  static boolean isApplicationWait(String threadName, String monitorClass, String loaderClass) {
    if (monitorClass == null || (threadName == null && monitorClass.startsWith(JFR_CLASS_PREFIX))) {
      return false;
    }
    if (threadName != null
        && (InProgressWaits.isIgnoredThread(threadName) || threadName.startsWith(JFR_THREAD_PREFIX))) {
      return false;
    }
    for (String prefix : AGENT_CLASS_PREFIXES) {
      if (monitorClass.startsWith(prefix)) {
        return false;
      }
    }
    return loaderClass == null || !loaderClass.startsWith(AGENT_CLASS_PREFIXES[0]);
  }

  /**
   * Whether a frame of this class goes into the stack hash. Frames of hidden classes (lambda
   * proxies, method-handle forms: their names carry an address that changes between runs) and of
   * the JDK's reflection machinery are left out, as the stack walker leaves them out of every
   * other wait's stack, so that the same code path keeps the same hash.
   */
  static boolean isStackFrame(String className) {
    return !className.startsWith("jdk.internal.reflect.")
        && !className.contains("/0x")
        && !className.contains("+0x")
        && !className.contains(".0x");
  }

  /** A frame as in every other stack: {@code class.method:line}. */
  static String frame(String className, String method, int line) {
    return className + "." + method + ":" + line;
  }

  /**
   * Records one contended monitor enter. {@code frames} start at the method that entered the
   * monitor; the core applies the stack threshold and depth, the stack table and the recorder.
   */
  static void record(
      String monitorClass, long durationNanos, List<String> frames, String threadName, long threadId) {
    BlockedTime.recordObserved(
        ResourceName.of(ResourceName.Kind.LOCK, TYPE, monitorClass),
        OPERATION,
        LockOps.EXCLUSIVE,
        BlockedTime.Outcome.OK,
        durationNanos,
        frames,
        threadName,
        threadId);
  }
}
