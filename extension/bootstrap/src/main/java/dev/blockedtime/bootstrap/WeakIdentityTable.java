package dev.blockedtime.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A map from objects, by identity, to values, that does not keep its keys alive.
 *
 * <p>Design: reads are lock-free and never allocate: they load the volatile table and walk an
 * immutable chain of entries. Writers serialize on {@code this} (a monitor, not a j.u.c lock, so
 * the table never re-enters the j.u.c instrumentation) and publish a new chain head with a
 * volatile array store; a resize publishes a new array. Entries whose key was collected are
 * removed on every write, so the table holds at most the live keys plus what the last GC freed.
 */
final class WeakIdentityTable<V> {
  private static final class Entry<V> extends WeakReference<Object> {
    final int hash;
    final V value;
    final Entry<V> next;

    Entry(Object key, int hash, V value, Entry<V> next, ReferenceQueue<Object> queue) {
      super(key, queue);
      this.hash = hash;
      this.value = value;
      this.next = next;
    }
  }

  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private volatile Entry<V>[] table = newTable(64);
  private int size;

  @SuppressWarnings("unchecked")
  private static <V> Entry<V>[] newTable(int n) {
    return (Entry<V>[]) new Entry<?>[n];
  }

  private static int hash(Object key) {
    int h = System.identityHashCode(key);
    return h ^ (h >>> 16);
  }

  V get(Object key) {
    Entry<V>[] t = table;
    int h = hash(key);
    for (Entry<V> e = t[h & (t.length - 1)]; e != null; e = e.next) {
      if (e.hash == h && e.refersTo(key)) {
        return e.value;
      }
    }
    return null;
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
    expunge();
    Entry<V>[] t = table;
    int h = hash(key);
    int i = h & (t.length - 1);
    Entry<V> head = without(t[i], key);
    t[i] = new Entry<>(key, h, value, head, collected);
    table = t; // volatile write publishes the new chain
    size++;
    if (size > t.length * 3 / 4) {
      resize();
    }
  }

  synchronized int size() {
    expunge();
    return size;
  }

  private Entry<V> without(Entry<V> chain, Object key) {
    if (chain == null) {
      return null;
    }
    Entry<V> rest = without(chain.next, key);
    if (chain.refersTo(key) || chain.refersTo(null)) {
      size--;
      return rest;
    }
    return rest == chain.next ? chain : new Entry<>(chain.get(), chain.hash, chain.value, rest, collected);
  }

  private void expunge() {
    if (collected.poll() == null) {
      return;
    }
    while (collected.poll() != null) {
      // drain: one rebuild below removes them all
    }
    rebuild();
  }

  private void resize() {
    rebuild();
  }

  /** Visits the live keys and their values, weakly consistent. Off the hot path: the gauges. */
  void forEachLive(java.util.function.BiConsumer<Object, V> visitor) {
    for (Entry<V> chain : table) {
      for (Entry<V> e = chain; e != null; e = e.next) {
        Object key = e.get();
        if (key != null) {
          visitor.accept(key, e.value);
        }
      }
    }
  }

  /** Drops the entries whose key was collected; also called off the hot path, by the collector. */
  synchronized void expungeStale() {
    expunge();
  }

  private void rebuild() {
    Entry<V>[] old = table;
    int live = 0;
    for (Entry<V> chain : old) {
      for (Entry<V> e = chain; e != null; e = e.next) {
        if (!e.refersTo(null)) {
          live++;
        }
      }
    }
    // shrink as well as grow: a burst of short-lived resources must not keep a large array
    int capacity = 64;
    while (capacity < live * 2 && capacity < (1 << 30)) {
      capacity <<= 1;
    }
    Entry<V>[] t = newTable(capacity);
    live = 0;
    for (Entry<V> chain : old) {
      for (Entry<V> e = chain; e != null; e = e.next) {
        Object key = e.get();
        if (key != null) {
          int i = e.hash & (capacity - 1);
          t[i] = new Entry<>(key, e.hash, e.value, t[i], collected);
          live++;
        }
      }
    }
    size = live;
    table = t;
  }
}
