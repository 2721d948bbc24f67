package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The tasks handed to one {@code ThreadPoolExecutor} and not yet started, in the order they were
 * submitted, each with its submit time and the submitter's context: the fast path beside {@link
 * QueuedTasks}.
 *
 * <p>Why a ring per pool: the pool's queue hands tasks to its workers in about the order they were
 * submitted, so the task a worker starts is almost always at the ring's head, and consecutive
 * tasks share cache lines. A submitter and a worker then exchange one line of slots per 16 tasks
 * (and one of stamps per 8), where a table keyed by identity ({@link QueuedTasks}) puts each task
 * on lines of its own that both threads touch (two per task: its slot and its entry), and costs
 * each task its first identity hash.
 *
 * <p>Slots: null (free), {@link #CLAIMED} (being written or read), or a task. A
 * submitter takes the next position with a getAndAdd on {@code tail}, claims that slot with a CAS
 * from null (it fails when the slot's task, {@value #SIZE} positions back, has not started: the
 * caller then uses the table), writes the stamp and context, and publishes the task with a release
 * store, before the pool's queue publishes the task to a worker. A worker claims the slot holding
 * its task with a CAS (a task that carries its slot, with a read: {@link #claimAt}), reads it and
 * frees it. It looks {@value #NEAR} slots from {@code head} (a hint that workers move, racily: a
 * wrong one only makes the search longer), then the whole ring; a task that carries its slot is
 * looked for there alone.
 */
final class TaskRing {
  static final int SIZE = 256;
  static final int NEAR = 16;
  static final Object CLAIMED = new Object();
  private static final int MASK = SIZE - 1;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final VarHandle TAIL;

  static {
    try {
      TAIL = MethodHandles.lookup().findVarHandle(TaskRing.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Object[] tasks = new Object[SIZE];
  private final long[] stamps = new long[SIZE];
  private final Object[] contexts = new Object[SIZE];

  // tail is the submitters', head the workers': padded apart, so that neither thread's writes
  // take the other's cache line (fields of one size keep their declared order)
  @SuppressWarnings("unused")
  private long p1, p2, p3, p4, p5, p6, p7;

  private volatile long tail;

  @SuppressWarnings("unused")
  private long q1, q2, q3, q4, q5, q6, q7;

  private long head;

  @SuppressWarnings("unused")
  private long r1, r2, r3, r4, r5, r6, r7;

  /**
   * Records that {@code task} was submitted at {@code stamp}: returns its slot, or -1 when that
   * slot is taken.
   */
  int put(Object task, long stamp, Object context) {
    int i = (int) ((long) TAIL.getAndAdd(this, 1L)) & MASK;
    if (tasks[i] != null || !SLOTS.compareAndSet(tasks, i, (Object) null, CLAIMED)) {
      return -1;
    }
    stamps[i] = stamp;
    if (context != null) {
      contexts[i] = context; // left null otherwise: a line the worker need not fetch
    }
    SLOTS.setRelease(tasks, i, task);
    return i;
  }

  /**
   * Takes {@code slot} if it holds {@code task}, a task that carries its slot (as {@link #put}
   * returned it): returns it, or -1. Moves the head hint as {@link #claimNear} does, for the tasks
   * of the same pool that are looked for.
   *
   * <p>A read, no CAS: such a task is one the application never holds (a fork/join pool's wrapper
   * for {@code execute} or {@code *Async}), so only the one thread that starts it takes its entry,
   * and no other claim can race with it. {@link #forget} takes only a rejected task's, which never
   * starts; {@link #forEach}'s visitor drops only a done one's (one the pool cancelled, on
   * shutdown, whose start records nothing: if the visitor frees its slot too, a submission that
   * took the slot meanwhile is one the stopped pool rejects). The CAS it replaces, a locked write,
   * held the worker until its core owned the line the submitter wrote; the release store that
   * frees the slot waits in the store buffer instead: about 4 ns less per task on the worker
   * (README, {@code fjp-claim-read}).
   */
  int claimAt(int slot, Object task) {
    int i = slot & MASK;
    if (SLOTS.getAcquire(tasks, i) == task) {
      head = i + 1;
      return i;
    }
    return -1;
  }

  /**
   * Claims the slot holding {@code task}, looking only near the head (where a task started in
   * submission order is): returns its index, whose stamp and context the caller reads and then
   * gives back with {@link #free}; or -1 when it is not there.
   */
  int claimNear(Object task) {
    long h = head;
    for (int n = 0; n < NEAR; n++) {
      int i = (int) (h + n) & MASK;
      if (SLOTS.getAcquire(tasks, i) == task && SLOTS.compareAndSet(tasks, i, task, CLAIMED)) {
        head = h + n + 1;
        return i;
      }
    }
    return -1;
  }

  /** The same, looking at every slot: a task started out of order, or the rare miss. */
  int claimAnywhere(Object task) {
    for (int i = 0; i < SIZE; i++) {
      if (SLOTS.getAcquire(tasks, i) == task && SLOTS.compareAndSet(tasks, i, task, CLAIMED)) {
        return i;
      }
    }
    return -1;
  }

  long stamp(int slot) {
    return stamps[slot];
  }

  Object context(int slot) {
    return contexts[slot];
  }

  /** Frees a slot that {@link #claimAt}, {@link #claimNear} or {@link #claimAnywhere} returned. */
  void free(int slot) {
    if (contexts[slot] != null) {
      contexts[slot] = null;
    }
    SLOTS.setRelease(tasks, slot, (Object) null);
  }

  /** Removes every entry of {@code task} (rejected, removed or handed back): how many there were. */
  int forget(Object task) {
    int n = 0;
    for (int slot; (slot = claimAnywhere(task)) >= 0; n++) {
      free(slot);
    }
    return n;
  }

  /** What {@link #forEach} hands over for each entry. */
  interface Visitor {
    /** Returns false to drop the entry. */
    boolean visit(Object task, long stamp);
  }

  /** Visits every entry, weakly consistent (for the gauges and the sweep; not on any task's path). */
  void forEach(Visitor v) {
    for (int i = 0; i < SIZE; i++) {
      Object task = SLOTS.getAcquire(tasks, i);
      if (task == null || task == CLAIMED) {
        continue;
      }
      long stamp = stamps[i];
      if (SLOTS.getAcquire(tasks, i) != task) {
        continue; // changed under us
      }
      if (!v.visit(task, stamp) && SLOTS.compareAndSet(tasks, i, task, CLAIMED)) {
        free(i);
      }
    }
  }
}
