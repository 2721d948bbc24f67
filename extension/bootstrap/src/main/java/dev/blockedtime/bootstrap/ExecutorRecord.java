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

  /** Null for a pool that is not timed (see {@link #notTimed}). */
  final ResourceName name;
  final WeakReference<Object> executor;
  final byte kind;
  /**
   * Submissions that went to the shared table before the pool has a ring: a pool gets its ring
   * (4 KB) only at its {@value #RING_AFTER}th, so the pools that run a few tasks and are dropped
   * (services build them per request) never pay for one. Counted racily: a lost count only builds
   * the ring a little later.
   */
  static final int RING_AFTER = 16;

  private int untilRing = RING_AFTER;

  /**
   * A thread pool's tasks not yet started, or a fork/join pool's submissions the JDK wrapped, in
   * submission order (see {@link TaskRing}), built at the {@value #RING_AFTER}th such submission;
   * else null.
   */
  private volatile TaskRing ring;

  ExecutorRecord(ResourceName name, Object executor, byte kind) {
    this.name = name;
    this.executor = new WeakReference<>(executor);
    this.kind = kind;
  }

  /**
   * What a thread's one-entry cache holds for a pool that is not timed: no name, no ring, never in
   * the registry of records.
   */
  static ExecutorRecord notTimed(Object executor) {
    return new ExecutorRecord(null, executor, SCHEDULED);
  }

  /** The ring, or null before it is built and for scheduled pools. */
  TaskRing ring() {
    return ring;
  }

  /**
   * The ring of a thread pool or fork/join pool, built at its {@value #RING_AFTER}th submission;
   * null before that (the submission goes to the table) and for scheduled pools.
   */
  TaskRing ringForSubmission() {
    TaskRing r = ring;
    if (r == null && kind != SCHEDULED && --untilRing <= 0) {
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
