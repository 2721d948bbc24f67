package dev.blockedtime.javaagent.monitor;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.FutureWaits;
import dev.blockedtime.bootstrap.InProgressWaits;
import dev.blockedtime.bootstrap.LockOps;
import dev.blockedtime.bootstrap.Log;
import dev.blockedtime.bootstrap.ResourceName;
import dev.blockedtime.bootstrap.Settings;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * The waits the JFR stream reports besides {@code synchronized} contention, at the same threshold
 * ({@code monitor-threshold}), after the fact, on the stream's thread:
 *
 * <ul>
 *   <li>{@code jdk.JavaMonitorWait}: {@code Object.wait}, a {@code monitor} lock wait with
 *       operation {@code wait}, outcome {@code timeout} when a timed wait ran out; or, when the
 *       stack shows {@code Thread.join} above it, that join (a platform thread's join waits on the
 *       thread object), recorded as a future wait of type {@code Thread} and nothing else.
 *   <li>{@code jdk.VirtualThreadPinned} (JDK 21+): a virtual thread that blocked while pinned to
 *       its carrier, with the JDK's reason where the event has one ({@code pinnedReason}, JDK 24+).
 * </ul>
 */
final class JfrWaitEvents {
  static final String MONITOR_WAIT = "jdk.JavaMonitorWait";
  static final String PINNED = "jdk.VirtualThreadPinned";
  // Collected above the stack depth: the Object.wait and Thread.join frames come off the top.
  private static final int EXTRA_FRAMES = 6;

  private JfrWaitEvents() {}

  /**
   * Enables the events the settings ask for on {@code stream}, before it starts; only those that
   * {@code accepts} are recorded (see {@link JfrMonitorEvents.Generation}).
   */
  static void enable(RecordingStream stream, Settings settings, Predicate<RecordedEvent> accepts) {
    Duration threshold = Duration.ofNanos(settings.monitorThresholdNanos);
    if (ObservedWaits.monitorWaitsWanted(settings)) {
      stream.enable(MONITOR_WAIT).withThreshold(threshold).withStackTrace();
      stream.onEvent(MONITOR_WAIT, event -> {
        if (accepts.test(event)) {
          onMonitorWait(event, settings);
        }
      });
    }
    if (ObservedWaits.pinnedWanted(settings)) {
      stream.enable(PINNED).withThreshold(threshold).withStackTrace();
      stream.onEvent(PINNED, event -> {
        if (accepts.test(event)) {
          onPinned(event, settings);
        }
      });
    }
  }

  private static void onMonitorWait(RecordedEvent event, Settings settings) {
    try {
      long durationNanos = event.getDuration().toNanos();
      if (durationNanos < settings.monitorThresholdNanos) {
        return; // the repository is shared: another recording may ask for shorter waits
      }
      RecordedThread thread = event.getThread();
      RecordedClass monitor = event.getClass("monitorClass");
      String threadName = thread != null ? thread.getJavaName() : null;
      String monitorClass = monitor != null ? monitor.getName() : null;
      if (!MonitorContention.isApplicationWait(threadName, monitorClass, JfrFrames.loaderClass(monitor))
          || ObservedWaits.isJdkInternal(threadName, monitorClass)) {
        return;
      }
      List<String> frames =
          JfrFrames.frames(event.getStackTrace(), settings.stackDepth + EXTRA_FRAMES);
      boolean timedOut = event.getBoolean("timedOut");
      String outcome = timedOut ? BlockedTime.Outcome.TIMEOUT : BlockedTime.Outcome.OK;
      List<String> caller = ObservedWaits.callerFrames(frames, settings.stackDepth);
      long threadId = thread != null ? thread.getJavaThreadId() : ObservedWaits.NO_THREAD_ID;
      if (ObservedWaits.isJoin(frames, monitorClass)) {
        if (settings.futures) {
          FutureWaits.recordObserved(
              FutureWaits.THREAD, FutureWaits.JOIN, outcome, durationNanos, caller, threadName,
              threadId);
        }
      } else if (settings.monitors) {
        BlockedTime.recordObserved(
            ResourceName.of(ResourceName.Kind.LOCK, MonitorContention.TYPE, monitorClass),
            ObservedWaits.WAIT,
            LockOps.EXCLUSIVE,
            outcome,
            durationNanos,
            caller,
            threadName,
            threadId);
      }
    } catch (Throwable t) {
      Log.once(
          "monitors.wait-event",
          "cannot read a " + MONITOR_WAIT + " event; some Object.wait and Thread.join waits are not recorded",
          t);
    }
  }

  private static void onPinned(RecordedEvent event, Settings settings) {
    try {
      long durationNanos = event.getDuration().toNanos();
      if (durationNanos < settings.monitorThresholdNanos) {
        return;
      }
      RecordedThread thread = event.getThread();
      String threadName = thread != null ? thread.getJavaName() : null;
      if (threadName != null && InProgressWaits.isIgnoredThread(threadName)) {
        return;
      }
      String reason =
          ObservedWaits.pinnedReason(event.hasField("pinnedReason") ? event.getString("pinnedReason") : null);
      List<String> frames = JfrFrames.frames(event.getStackTrace(), 64);
      FutureWaits.recordPinned(
          reason, durationNanos, ObservedWaits.applicationFrames(frames, settings.stackDepth));
    } catch (Throwable t) {
      Log.once(
          "virtual-threads.event",
          "cannot read a " + PINNED + " event; some pinned virtual threads are not recorded",
          t);
    }
  }
}
