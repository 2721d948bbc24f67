package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A map from objects, by identity, to values, that does not keep its keys alive.
 *
 * <p>Design: reads are lock-free and never allocate: they load the volatile table, read a bucket's
 * head with acquire semantics and follow {@code next} links. Writers serialize on {@code this} (a
 * monitor, not a j.u.c lock, so the table never re-enters the j.u.c instrumentation). A new entry
 * is published at the head of its bucket with a release store; an entry is removed by unlinking it
 * (a reader standing on it still reaches the rest of its chain). A resize moves the live entries
 * into a new array, grown or shrunk, and publishes it; a read that missed while entries moved
 * reads again.
 *
 * <p>Services build resources per request, so most keys die young. Their entries are removed a
 * few at a time on each write, as the GC reports them (never a sweep of the whole table on the
 * writer's thread), and the array shrinks when it is mostly empty: the table holds about the live
 * keys, and a write costs the same whether a GC just freed a million keys or none.
 */
final class WeakIdentityTable<V> {
  private static final int MIN_CAPACITY = 64;
  // Collected keys removed per write, at most: more than one write adds, so the table keeps up
  // with any churn, and no write pays for a whole GC's worth.
  private static final int EXPUNGE_PER_WRITE = 16;
  private static final VarHandle BUCKET = MethodHandles.arrayElementVarHandle(Entry[].class);

  /**
   * A mapping. Either weak ({@link #part} null: the key is the referent), or the entry of a part
   * of a weakly held owner: then the key is {@link #part}, held strongly, the referent is null (so
   * the GC does not track it) and the owner's entry lists it in {@link #parts}, to be removed with
   * it. A part must not reach its owner, or the owner could never be collected.
   */
  private static final class Entry<V> extends WeakReference<Object> {
    final int hash;
    final V value;
    final Object part;
    volatile Entry<V> next;
    Entry<V>[] parts;
    boolean removed; // unlinked: never to be moved back by a resize

    Entry(Object key, int hash, V value, Entry<V> next, ReferenceQueue<Object> queue) {
      super(key, queue);
      this.hash = hash;
      this.value = value;
      this.part = null;
      this.next = next;
    }

    Entry(Object part, int hash, V value, Entry<V> next) {
      super(null);
      this.hash = hash;
      this.value = value;
      this.part = part;
      this.next = next;
    }

    boolean holds(Object key) {
      return part == null ? refersTo(key) : part == key;
    }
  }

  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private volatile Entry<V>[] table = newTable(MIN_CAPACITY);
  // Odd while a resize moves entries, so that a read that missed can tell whether it walked a
  // chain that was being relinked (and reads again), as a sequence lock does.
  private volatile int resizes;
  private int size; // guarded by this

  @SuppressWarnings("unchecked")
  private static <V> Entry<V>[] newTable(int n) {
    return (Entry<V>[]) new Entry<?>[n];
  }

  private static int hash(Object key) {
    int h = System.identityHashCode(key);
    return h ^ (h >>> 16);
  }

  @SuppressWarnings("unchecked")
  private static <V> Entry<V> head(Entry<V>[] t, int i) {
    return (Entry<V>) BUCKET.getAcquire(t, i);
  }

  V get(Object key) {
    int h = hash(key);
    while (true) {
      int before = resizes;
      Entry<V>[] t = table;
      for (Entry<V> e = head(t, h & (t.length - 1)); e != null; e = e.next) {
        if (e.hash == h && e.holds(key)) {
          return e.value;
        }
      }
      if ((before & 1) == 0 && resizes == before) {
        return null;
      }
      Thread.onSpinWait(); // a resize moved entries while this read walked: read again
    }
  }

  /** Maps key to value unless it is already mapped; returns the value now mapped. */
  synchronized V putIfAbsent(Object key, V value) {
    V existing = get(key);
    if (existing != null) {
      return existing;
    }
    put(key, value);
    return value;
  }

  /** Maps key to value, replacing any mapping. */
  synchronized void put(Object key, V value) {
    expunge(EXPUNGE_PER_WRITE);
    insert(key, value, null);
  }

  /**
   * Maps {@code owner} to {@code values[0]}, weakly, and each of {@code parts[0..n-2]} to the next
   * value, for as long as the owner lives: the parts are the owner's own objects (a queue's locks
   * and conditions), which nothing but the owner reaches. One lock acquisition, one weak reference.
   */
  @SuppressWarnings("unchecked")
  synchronized void putWithParts(Object owner, Object[] parts, V[] values, int n) {
    expunge(EXPUNGE_PER_WRITE);
    Entry<V> entry = insert(owner, values[0], null);
    // listed before they are inserted: a resize on the way moves the parts with their owner
    entry.parts = (Entry<V>[]) new Entry<?>[n - 1];
    for (int i = 1; i < n; i++) {
      entry.parts[i - 1] = insert(parts[i - 1], values[i], entry);
    }
  }

  private Entry<V> insert(Object key, V value, Entry<V> owner) {
    Entry<V>[] t = table;
    int h = hash(key);
    int i = h & (t.length - 1);
    for (Entry<V> e = head(t, i); e != null; e = e.next) {
      if (e.holds(key)) {
        unlink(e);
        break;
      }
    }
    Entry<V> head = head(t, i);
    Entry<V> entry = owner == null ? new Entry<>(key, h, value, head, collected) : new Entry<>(key, h, value, head);
    BUCKET.setRelease(t, i, entry);
    if (++size > t.length * 3 / 4) {
      resize(t.length * 2);
    }
    return entry;
  }

  synchronized int size() {
    expunge(Integer.MAX_VALUE);
    return size;
  }

  /** Drops every entry whose key was collected; called off the hot path, by the gauge collector. */
  synchronized void expungeStale() {
    expunge(Integer.MAX_VALUE);
  }

  @SuppressWarnings("unchecked")
  private void expunge(int max) {
    for (int n = 0; n < max; n++) {
      Reference<?> r = collected.poll();
      if (r == null) {
        break;
      }
      Entry<V> e = (Entry<V>) r;
      unlink(e);
      if (e.parts != null) {
        for (Entry<V> part : e.parts) {
          if (part != null) {
            unlink(part);
          }
        }
      }
    }
    Entry<V>[] t = table;
    if (t.length > MIN_CAPACITY && size < t.length / 8) {
      resize(t.length / 2); // a burst of short-lived resources must not keep a large array
    }
  }

  /** Removes {@code target} from the current table, if it is there (a resize may have dropped it). */
  private void unlink(Entry<V> target) {
    Entry<V>[] t = table;
    int i = target.hash & (t.length - 1);
    Entry<V> prev = null;
    for (Entry<V> e = head(t, i); e != null; prev = e, e = e.next) {
      if (e == target) {
        e.removed = true;
        if (prev == null) {
          BUCKET.setRelease(t, i, e.next);
        } else {
          prev.next = e.next;
        }
        size--;
        return;
      }
    }
  }

  /**
   * Moves the entries into a table of {@code capacity} buckets, dropping those whose key was
   * collected (and the parts of such an owner). The entries themselves move (no copy: copying a
   * weak entry means reading its key, which keeps a dying key alive for another GC); a read that
   * walked an old chain while it moved sees the new table when it is done, and reads again.
   */
  private void resize(int capacity) {
    Entry<V>[] old = table;
    // First the live entries (owners and plain ones), then the move: moving a part relinks it,
    // and a walk of the old chains must not follow a link that already points into the new table.
    java.util.ArrayList<Entry<V>> live = new java.util.ArrayList<>(size);
    for (int b = 0; b < old.length; b++) {
      for (Entry<V> e = head(old, b); e != null; e = e.next) {
        if (e.part == null && !e.refersTo(null)) {
          live.add(e);
        }
      }
    }
    Entry<V>[] t = newTable(Math.max(MIN_CAPACITY, capacity));
    int count = 0;
    resizes++;
    for (Entry<V> e : live) {
      count += move(t, e);
      if (e.parts != null) {
        for (Entry<V> part : e.parts) {
          if (part != null && !part.removed) {
            count += move(t, part);
          }
        }
      }
    }
    size = count;
    table = t; // volatile write publishes the new array and its chains
    resizes++;
  }

  private static <V> int move(Entry<V>[] t, Entry<V> e) {
    int i = e.hash & (t.length - 1);
    e.next = t[i];
    t[i] = e;
    return 1;
  }
}
