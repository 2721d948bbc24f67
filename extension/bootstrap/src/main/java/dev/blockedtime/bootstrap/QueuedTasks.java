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
 * #BUCKET} consecutive slots (one cache line of references); a task's bucket comes from its
 * identity hash. A slot is free ({@code null}), claimed ({@link #CLAIMED}: one thread is writing or
 * reading it) or holds a task. A submitter claims a free slot of the task's bucket with a CAS,
 * writes the stamp, executor and context, and publishes the task with a release store; the thread
 * that starts the task finds it with an acquire load, claims it with a CAS (so that, of two
 * threads starting the same task object submitted twice, each takes one entry), reads the rest and
 * frees the slot with a release store. The submitter publishes before it hands the task to the
 * pool, whose queue publishes the task in turn, so the starting thread always finds a complete
 * entry. Lookups scan the whole bucket: there are no probe chains, so freeing a slot never hides
 * another entry. A task whose bucket is full goes to an overflow map under its monitor; a plain
 * counter tells lookups whether that map is worth a look.
 *
 * <p>Memory: the arrays are allocated once (about 0.6 MB); the overflow map holds at most {@value
 * #MAX_OVERFLOW} entries (beyond that a task is not timed and one line is logged). Entries leave
 * when their task starts, is rejected or removed, or when {@link ExecutorTasks#snapshot} finds them
 * stale.
 */
final class QueuedTasks {
  static final int CAPACITY = 1 << 15;
  static final int BUCKET = 16;
  static final int MAX_OVERFLOW = 1_000_000;
  static final Object CLAIMED = new Object();
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

  private final Object[] keys;
  private final long[] stamps;
  private final ExecutorRecord[] owners;
  private final Object[] contexts;

  private final IdentityHashMap<Object, Entry> overflow = new IdentityHashMap<>();
  // Written under the overflow map's monitor; read plainly as a hint (a stale 0 is impossible for
  // the thread that starts a task: the submitter's write happens-before the task's hand-off).
  private int overflowSize;

  /** An entry that did not fit in its bucket. */
  static final class Entry {
    final long stamp;
    final ExecutorRecord owner;
    final Object context;
    Entry next; // the same task object submitted again before it started

    Entry(long stamp, ExecutorRecord owner, Object context) {
      this.stamp = stamp;
      this.owner = owner;
      this.context = context;
    }
  }

  QueuedTasks() {
    this(CAPACITY);
  }

  QueuedTasks(int capacity) {
    keys = new Object[capacity];
    stamps = new long[capacity];
    owners = new ExecutorRecord[capacity];
    contexts = new Object[capacity];
  }

  private int bucket(Object task) {
    int h = System.identityHashCode(task);
    h ^= h >>> 16;
    return (h * 0x9E3779B9) & (keys.length - 1) & -BUCKET;
  }

  /** Records that {@code task} was handed to {@code owner} at {@code stamp}. */
  void put(Object task, ExecutorRecord owner, long stamp, Object context) {
    int b = bucket(task);
    for (int i = b; i < b + BUCKET; i++) {
      if (keys[i] == null && SLOTS.compareAndSet(keys, i, (Object) null, CLAIMED)) {
        stamps[i] = stamp;
        owners[i] = owner;
        contexts[i] = context;
        SLOTS.setRelease(keys, i, task);
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
      Entry e = new Entry(stamp, owner, context);
      e.next = overflow.put(task, e);
      overflowSize++;
    }
  }

  /**
   * Claims the table slot holding {@code task}: returns its index, whose fields the caller reads
   * and then gives back with {@link #free}; or -1 when the task is not in the table (it may be in
   * the overflow map: {@link #takeOverflow}).
   */
  int claim(Object task) {
    int b = bucket(task);
    for (int i = b; i < b + BUCKET; i++) {
      if (SLOTS.getAcquire(keys, i) == task && SLOTS.compareAndSet(keys, i, task, CLAIMED)) {
        return i;
      }
    }
    return -1;
  }

  long stamp(int slot) {
    return stamps[slot];
  }

  ExecutorRecord owner(int slot) {
    return owners[slot];
  }

  Object context(int slot) {
    return contexts[slot];
  }

  /** Frees a slot that {@link #claim} returned. */
  void free(int slot) {
    owners[slot] = null;
    contexts[slot] = null;
    SLOTS.setRelease(keys, slot, (Object) null);
  }

  boolean hasOverflow() {
    return overflowSize != 0;
  }

  /** Removes and returns one overflow entry of {@code task}, or null. */
  Entry takeOverflow(Object task) {
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
    for (int slot; (slot = claim(task)) >= 0; n++) {
      free(slot);
    }
    if (hasOverflow()) {
      while (takeOverflow(task) != null) {
        n++;
      }
    }
    return n;
  }

  /** What {@link #forEach} hands over for each entry. */
  interface Visitor {
    /** Returns false to drop the entry. */
    boolean visit(Object task, ExecutorRecord owner, long stamp);

    /**
     * Called for each entry that {@link #visit} rejected and that was then removed (it may have
     * been claimed meanwhile by the thread that started its task: then it is not called).
     */
    default void dropped(ExecutorRecord owner) {}
  }

  /**
   * Visits every entry (for the gauges and the sweep; not on any task's path). Weakly consistent:
   * entries added or removed meanwhile may or may not be seen.
   */
  void forEach(Visitor v) {
    for (int i = 0; i < keys.length; i++) {
      Object task = SLOTS.getAcquire(keys, i);
      if (task == null || task == CLAIMED) {
        continue;
      }
      ExecutorRecord owner = owners[i];
      long stamp = stamps[i];
      if (owner == null || SLOTS.getAcquire(keys, i) != task) {
        continue; // changed under us
      }
      if (!v.visit(task, owner, stamp) && SLOTS.compareAndSet(keys, i, task, CLAIMED)) {
        free(i);
        v.dropped(owner);
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
            Entry copy = new Entry(e.stamp, e.owner, e.context);
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
