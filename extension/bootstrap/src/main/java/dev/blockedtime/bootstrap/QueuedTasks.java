package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.IdentityHashMap;

/**
 * The tasks handed to an executor and not yet started, each with its executor, the moment it was
 * submitted and the submitter's context: the state an executor task carries from its submission to
 * its start, kept beside the task so the application's task objects stay its own (no wrapper).
 *
 * <p>Design: an open-addressing table of fixed size whose slots are grouped in buckets of {@value
 * #BUCKET} consecutive slots; a task's bucket comes from its identity hash. A slot is free ({@code
 * null}) or holds an {@link Entry}, whose fields are final. A submitter builds the entry and puts
 * it in a free slot of the task's bucket with a CAS; the thread that starts the task finds it
 * there and takes it with a CAS back to null (so that, of two threads starting the same task object submitted
 * twice, each takes one entry). The submitter puts the entry before it hands the task to the pool,
 * whose queue publishes the task in turn, so the starting thread always finds it. Lookups scan the
 * whole bucket: there are no probe chains, so taking an entry never hides another. A task whose
 * bucket is full goes to an overflow map under its monitor; a plain counter tells lookups whether
 * that map is worth a look.
 *
 * <p>Why an entry object and not parallel arrays of stamps, executors and contexts: the submitter
 * and the starting thread run on different cores, and every cache line one writes and the other
 * reads costs a transfer. A slot and an entry (allocated by the submitter, next to its previous
 * ones) are two lines per task; the four arrays were four random lines, each written on both
 * sides.
 *
 * <p>Memory: the slot array is allocated once (128 KB); the overflow map holds at most {@value
 * #MAX_OVERFLOW} entries (beyond that a task is not timed and one line is logged). Entries leave
 * when their task starts, is rejected or removed, or when {@link ExecutorTasks#snapshot} finds them
 * stale.
 */
final class QueuedTasks {
  static final int CAPACITY = 1 << 15;
  static final int BUCKET = 16;
  static final int MAX_OVERFLOW = 1_000_000;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);

  private final Entry[] slots;

  private final IdentityHashMap<Object, Entry> overflow = new IdentityHashMap<>();
  // Written under the overflow map's monitor; read plainly as a hint (a stale 0 is impossible for
  // the thread that starts a task: the submitter's write happens-before the task's hand-off).
  private int overflowSize;

  /** One task handed to an executor: what its start needs. */
  static final class Entry {
    final Object task;
    final long stamp;
    final ExecutorRecord owner;
    final Object context;
    Entry next; // in the overflow map: the same task object submitted again before it started

    Entry(Object task, long stamp, ExecutorRecord owner, Object context) {
      this.task = task;
      this.stamp = stamp;
      this.owner = owner;
      this.context = context;
    }
  }

  QueuedTasks() {
    this(CAPACITY);
  }

  QueuedTasks(int capacity) {
    slots = new Entry[capacity];
  }

  private int bucket(Object task) {
    int h = System.identityHashCode(task);
    h ^= h >>> 16;
    return (h * 0x9E3779B9) & (slots.length - 1) & -BUCKET;
  }

  /** Records that {@code task} was handed to {@code owner} at {@code stamp}. */
  void put(Object task, ExecutorRecord owner, long stamp, Object context) {
    Entry e = new Entry(task, stamp, owner, context);
    int b = bucket(task);
    for (int i = b; i < b + BUCKET; i++) {
      if (slots[i] == null && SLOTS.compareAndSet(slots, i, (Entry) null, e)) {
        return;
      }
    }
    synchronized (overflow) {
      if (overflowSize >= MAX_OVERFLOW) {
        Log.once(
            "executors.overflow",
            "more than " + MAX_OVERFLOW + " executor tasks wait to start; further ones are not timed",
            null);
        return;
      }
      e.next = overflow.put(task, e);
      overflowSize++;
    }
  }

  /**
   * Removes and returns one entry of {@code task}, from its bucket or else from the overflow map;
   * null when it has none.
   */
  Entry take(Object task) {
    int b = bucket(task);
    for (int i = b; i < b + BUCKET; i++) {
      Entry e = (Entry) SLOTS.getAcquire(slots, i);
      if (e != null && e.task == task && SLOTS.compareAndSet(slots, i, e, (Entry) null)) {
        return e;
      }
    }
    return hasOverflow() ? takeOverflow(task) : null;
  }

  boolean hasOverflow() {
    return overflowSize != 0;
  }

  /** Removes and returns one overflow entry of {@code task}, or null. */
  private Entry takeOverflow(Object task) {
    synchronized (overflow) {
      Entry e = overflow.get(task);
      if (e == null) {
        return null;
      }
      if (e.next == null) {
        overflow.remove(task);
      } else {
        overflow.put(task, e.next);
      }
      overflowSize--;
      return e;
    }
  }

  /** Removes every entry of {@code task}: it was rejected or removed from its pool's queue. */
  int forget(Object task) {
    int n = 0;
    while (take(task) != null) {
      n++;
    }
    return n;
  }

  /** What {@link #forEach} hands over for each entry. */
  interface Visitor {
    /** Returns false to drop the entry. */
    boolean visit(Object task, ExecutorRecord owner, long stamp);

    /**
     * Called for each entry that {@link #visit} rejected and that was then removed (the thread that
     * started its task may have taken it meanwhile: then it is not called).
     */
    default void dropped(ExecutorRecord owner) {}
  }

  /**
   * Visits every entry (for the gauges and the sweep; not on any task's path). Weakly consistent:
   * entries added or removed meanwhile may or may not be seen.
   */
  void forEach(Visitor v) {
    for (int i = 0; i < slots.length; i++) {
      Entry e = (Entry) SLOTS.getAcquire(slots, i);
      if (e != null
          && !v.visit(e.task, e.owner, e.stamp)
          && SLOTS.compareAndSet(slots, i, e, (Entry) null)) {
        v.dropped(e.owner);
      }
    }
    if (!hasOverflow()) {
      return;
    }
    synchronized (overflow) {
      for (java.util.Iterator<java.util.Map.Entry<Object, Entry>> it = overflow.entrySet().iterator();
          it.hasNext(); ) {
        java.util.Map.Entry<Object, Entry> me = it.next();
        Entry kept = null;
        Entry last = null;
        for (Entry e = me.getValue(); e != null; e = e.next) {
          if (v.visit(me.getKey(), e.owner, e.stamp)) {
            Entry copy = new Entry(e.task, e.stamp, e.owner, e.context);
            if (last == null) {
              kept = copy;
            } else {
              last.next = copy;
            }
            last = copy;
          } else {
            overflowSize--;
            v.dropped(e.owner);
          }
        }
        if (kept == null) {
          it.remove();
        } else {
          me.setValue(kept);
        }
      }
    }
  }
}
