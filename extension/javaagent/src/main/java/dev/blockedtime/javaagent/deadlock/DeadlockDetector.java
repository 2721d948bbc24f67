package dev.blockedtime.javaagent.deadlock;

import dev.blockedtime.bootstrap.Log;
import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.javaagent.telemetry.Instruments;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.Logger;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Looks for deadlock cycles every {@code deadlock-detection-interval}: threads waiting for each
 * other's monitors or ownable synchronizers ({@code ReentrantLock}, write locks), as the JVM finds
 * them. Reports the number of threads in cycles as the gauge {@code jvm.deadlock.threads} (0 when
 * there are none) and each newly found cycle once as a {@code jvm.deadlock} log record.
 *
 * <p>Threads: one daemon thread, {@value #THREAD_NAME}, does every check; the gauge's callback
 * (the metric reader's thread) only reads {@link #threadsInCycles}. Everything else is confined to
 * the detector thread.
 *
 * <p>Cost: each check is one {@code findDeadlockedThreads()}, a VM operation at a safepoint that
 * looks at every thread's lock state. Thread dumps ({@code getThreadInfo}, 16 frames a thread) are
 * taken only when the set of deadlocked threads changed since the last check, so a deadlock that
 * stays costs nothing more than the search.
 */
public final class DeadlockDetector {
  static final String THREAD_NAME = "blocked-time-deadlocks";
  static final int STACK_FRAMES = 16;
  /** Cycles reported in this JVM that are remembered, so that none is reported twice. */
  static final int MAX_REPORTED = 1000;

  private static final long[] NONE = new long[0];

  private final ThreadMXBean threads;
  private final Logger logger;
  private final long intervalNanos;

  private volatile int threadsInCycles;
  private long[] lastDeadlocked = NONE;
  // A cycle is the set of its threads' ids; insertion order, so the oldest is forgotten first.
  private final Set<List<Long>> reported =
      Collections.newSetFromMap(
          new LinkedHashMap<List<Long>, Boolean>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Long>, Boolean> eldest) {
              return size() > MAX_REPORTED;
            }
          });

  DeadlockDetector(ThreadMXBean threads, Logger logger, long intervalNanos) {
    this.threads = threads;
    this.logger = logger;
    this.intervalNanos = intervalNanos;
  }

  /** Registers the gauge and starts the detector thread; returns at once. Called once. */
  public static void start(OpenTelemetry openTelemetry, Settings settings) {
    try {
      DeadlockDetector detector =
          new DeadlockDetector(
              ManagementFactory.getThreadMXBean(),
              openTelemetry.getLogsBridge().get(Instruments.SCOPE),
              settings.deadlockIntervalNanos);
      openTelemetry
          .getMeter(Instruments.SCOPE)
          .gaugeBuilder(Instruments.DEADLOCK_THREADS)
          .ofLongs()
          .setUnit(Instruments.UNIT_THREADS)
          .setDescription("Threads in deadlock cycles, as of the last check.")
          .buildWithCallback(m -> m.record(detector.threadsInCycles));
      Thread thread = new Thread(detector::run, THREAD_NAME);
      thread.setDaemon(true);
      thread.start();
    } catch (Throwable t) {
      Log.once("deadlocks.start", "cannot start deadlock detection (" + t + "); deadlocks are not reported", null);
    }
  }

  private void run() {
    while (true) {
      try {
        TimeUnit.NANOSECONDS.sleep(intervalNanos);
      } catch (InterruptedException e) {
        return;
      }
      try {
        check();
      } catch (Throwable t) {
        Log.once("deadlocks.check", "deadlock detection failed; it goes on", t);
      }
    }
  }

  /** One check; on the detector thread only. */
  void check() {
    long[] deadlocked = deadlockedThreads();
    if (Arrays.equals(deadlocked, lastDeadlocked)) {
      return; // the same threads as last time: the same cycles
    }
    lastDeadlocked = deadlocked;
    if (deadlocked.length == 0) {
      threadsInCycles = 0;
      return;
    }
    List<ThreadInfo> infos = new ArrayList<>();
    for (ThreadInfo info : threads.getThreadInfo(deadlocked, false, false, STACK_FRAMES)) {
      if (info != null) { // null: the thread ended since
        infos.add(info);
      }
    }
    long[] ids = new long[infos.size()];
    long[] owners = new long[infos.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = infos.get(i).getThreadId();
      owners[i] = infos.get(i).getLockOwnerId();
    }
    int inCycles = 0;
    for (int[] cycle : DeadlockCycles.find(ids, owners)) {
      inCycles += cycle.length;
      List<ThreadInfo> members = new ArrayList<>(cycle.length);
      List<Long> key = new ArrayList<>(cycle.length);
      for (int i : cycle) {
        members.add(infos.get(i));
        key.add(ids[i]);
      }
      Collections.sort(key);
      if (reported.add(key)) {
        new DeadlockReport(members).emit(logger);
      }
    }
    threadsInCycles = inCycles;
  }

  /** The ids of the threads the JVM finds deadlocked, sorted; empty when none. */
  private long[] deadlockedThreads() {
    long[] ids =
        threads.isSynchronizerUsageSupported()
            ? threads.findDeadlockedThreads()
            : threads.findMonitorDeadlockedThreads();
    if (ids == null) {
      return NONE;
    }
    Arrays.sort(ids);
    return ids;
  }
}
