package dev.blockedtime.javaagent.deadlock;

import dev.blockedtime.bootstrap.InProgressWaits;
import dev.blockedtime.bootstrap.ResourceName;
import dev.blockedtime.javaagent.monitor.MonitorContention;
import dev.blockedtime.javaagent.telemetry.Instruments;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import java.lang.management.LockInfo;
import java.lang.management.ThreadInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One deadlock cycle as a {@code jvm.deadlock} log record: the threads in waits-for order, what
 * each waits for and holds, named as the metrics name them, and each thread's top frames.
 *
 * <p>Names: a monitor is its class (type {@code monitor}); a lock or synchronizer the thread waits
 * on in an instrumented wait has the {@code jvm.lock.name} and {@code jvm.lock.type} blocked-time
 * gave it (allocation site or alias); any other lock (built before the agent started, say) is
 * named by its instance, {@code class@identityHash}. What a thread holds in the cycle is what the
 * previous thread waits for.
 */
final class DeadlockReport {
  private final List<String> names = new ArrayList<>();
  private final List<Long> ids = new ArrayList<>();
  private final List<String> waitingOn = new ArrayList<>();
  private final List<String> waitingOnType = new ArrayList<>();
  private final List<String> waitingOnInstance = new ArrayList<>();
  private final List<String> holding = new ArrayList<>();
  private final List<String> stacks = new ArrayList<>();

  /** {@code cycle} in waits-for order: each thread waits for a lock the next one holds. */
  DeadlockReport(List<ThreadInfo> cycle) {
    for (ThreadInfo thread : cycle) {
      names.add(thread.getThreadName());
      ids.add(thread.getThreadId());
      LockInfo lock = thread.getLockInfo();
      String instance =
          lock != null ? lock.getClassName() + "@" + Integer.toHexString(lock.getIdentityHashCode()) : "";
      boolean monitor = thread.getThreadState() == Thread.State.BLOCKED && lock != null;
      ResourceName named = monitor ? null : InProgressWaits.waitingOn(thread.getThreadId());
      if (monitor) {
        waitingOn.add(lock.getClassName());
        waitingOnType.add(MonitorContention.TYPE);
      } else if (named != null) {
        waitingOn.add(named.name);
        waitingOnType.add(named.type);
      } else {
        waitingOn.add(instance);
        waitingOnType.add(lock != null ? outerSimpleName(lock.getClassName()) : "");
      }
      waitingOnInstance.add(instance);
      stacks.add(stack(thread.getStackTrace()));
    }
    for (int i = 0; i < cycle.size(); i++) {
      holding.add(waitingOn.get((i + cycle.size() - 1) % cycle.size()));
    }
  }

  void emit(Logger logger) {
    logger
        .logRecordBuilder()
        .setEventName(Instruments.DEADLOCK_LOG_EVENT)
        .setTimestamp(Instant.now())
        .setSeverity(Severity.ERROR)
        .setBody(body())
        .setAllAttributes(attributes())
        .emit();
  }

  Attributes attributes() {
    return Attributes.builder()
        .put(Instruments.DEADLOCK_THREAD_NAMES, names)
        .put(Instruments.DEADLOCK_THREAD_IDS, ids)
        .put(Instruments.DEADLOCK_WAITING_ON, waitingOn)
        .put(Instruments.DEADLOCK_WAITING_ON_TYPE, waitingOnType)
        .put(Instruments.DEADLOCK_WAITING_ON_INSTANCE, waitingOnInstance)
        .put(Instruments.DEADLOCK_HOLDING, holding)
        .put(Instruments.DEADLOCK_THREAD_STACKS, stacks)
        .build();
  }

  /**
   * <pre>
   * deadlock of 2 threads:
   *   "worker-1" (id 31) waits for ReentrantLock com.acme.Accounts.&lt;init&gt;:18, held by "worker-2"
   *   "worker-2" (id 32) waits for monitor com.acme.Ledger, held by "worker-1"
   * </pre>
   */
  String body() {
    StringBuilder b = new StringBuilder("deadlock of ").append(names.size()).append(" threads:");
    for (int i = 0; i < names.size(); i++) {
      b.append("\n  \"").append(names.get(i)).append("\" (id ").append(ids.get(i)).append(") waits for ")
          .append(waitingOnType.get(i)).append(' ').append(waitingOn.get(i))
          .append(", held by \"").append(names.get((i + 1) % names.size())).append('"');
    }
    return b.toString();
  }

  private static String stack(StackTraceElement[] frames) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement f : frames) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(f.getClassName()).append('.').append(f.getMethodName()).append(':').append(f.getLineNumber());
    }
    return b.toString();
  }

  /** {@code java.util.concurrent.locks.ReentrantLock$NonfairSync} → {@code ReentrantLock}. */
  static String outerSimpleName(String className) {
    String simple = className.substring(className.lastIndexOf('.') + 1);
    int nested = simple.indexOf('$');
    return nested > 0 ? simple.substring(0, nested) : simple;
  }
}
