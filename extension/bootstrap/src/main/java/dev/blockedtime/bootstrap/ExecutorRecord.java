package dev.blockedtime.bootstrap;

import java.lang.ref.WeakReference;

/**
 * One executor the extension times: its telemetry name and, weakly, the executor itself (for the
 * gauges of scheduled pools and for the sweep of stale entries). Never keeps the executor alive.
 */
final class ExecutorRecord {
  static final byte THREAD_POOL = 0;
  static final byte SCHEDULED = 1;
  static final byte FORK_JOIN = 2;

  final ResourceName name;
  final WeakReference<Object> executor;
  final byte kind;
  /**
   * A thread pool's tasks not yet started, or a fork/join pool's submissions the JDK wrapped, in
   * submission order (see {@link TaskRing}), built at the first such submission (4 KB: a pool built
   * and never used does not pay for it); else null.
   */
  private volatile TaskRing ring;

  ExecutorRecord(ResourceName name, Object executor, byte kind) {
    this.name = name;
    this.executor = new WeakReference<>(executor);
    this.kind = kind;
  }

  /** The ring, or null before the first submission and for other kinds. */
  TaskRing ring() {
    return ring;
  }

  /** The ring of a thread pool or fork/join pool, built if need be; null for scheduled pools. */
  TaskRing ringForSubmission() {
    TaskRing r = ring;
    if (r == null && kind != SCHEDULED) {
      synchronized (this) {
        r = ring;
        if (r == null) {
          r = new TaskRing();
          ring = r;
        }
      }
    }
    return r;
  }

  /** The kind of executor of {@code type}, the j.u.c class its class is or extends. */
  static byte kindOf(String type) {
    switch (type) {
      case "ScheduledThreadPoolExecutor":
        return SCHEDULED;
      case "ForkJoinPool":
        return FORK_JOIN;
      default:
        return THREAD_POOL;
    }
  }
}
