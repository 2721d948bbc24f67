package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Which resource an object a thread can wait on belongs to, keyed by the object's identity hash and
 * holding no reference to it.
 *
 * <p>Why no reference: services build latches, locks and queues per request, and a registry that
 * refers to each of them (weakly) makes every one cost a reference object that is alive at the
 * next GC, which copies and processes it (5–39 µs per construction in {@code
 * ConstructionBenchmarks} with that design). Here a registration is the object's identity hash
 * and two array stores; the GC never sees it.
 *
 * <p>What that costs in exactness, and how it is kept small:
 *
 * <ul>
 *   <li>An entry outlives its object. A later object with the same 31-bit identity hash and the
 *       same class tag would be taken for it: the chance is about the number of entries over 2^38
 *       per distinct object waited on.
 *   <li>The table is bounded ({@link #MAX_SLOTS}), so an entry can be overwritten. Entries of
 *       sites that built few resources (at most {@link #PROTECTED}) and of resources that have
 *       waited are kept: the table grows for them. Entries of sites that build many (per-request
 *       latches and queues) make room for newer ones; such a resource is named as long as its
 *       entry is among the most recent of its bucket, which in practice covers the waits of
 *       resources that live for a request.
 * </ul>
 *
 * <p>Concurrency: writers do not lock; a slot's value is stored before its key (release), and
 * readers load the key first (acquire). Two writers racing for one slot leave one of the two
 * entries. A resize copies under a lock and a writer that raced with it writes again.
 */
final class Registry {
  static final int WAYS = 4;
  /** How far past its bucket an entry may be placed, in slots. */
  static final int REACH = 4 * WAYS;
  static final int MIN_SLOTS = 1 << 12;
  static final int MAX_SLOTS = 1 << 20;
  /** A site that built at most this many resources keeps their entries. */
  static final int PROTECTED = 256;

  // value: kind (24 bits) | waited (1) | class tag (7) | token (32)
  private static final int TAG_BITS = 7;
  private static final long WAITED = 1L << (32 + TAG_BITS);
  private static final int KIND_SHIFT = 32 + TAG_BITS + 1;
  static final int MAX_KIND = (1 << (64 - KIND_SHIFT)) - 1;

  private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);

  private static final class Table {
    final int[] keys;
    final long[] values;
    final byte[] cursors; // per bucket: the way to evict next, so that the oldest entry goes first
    final int shift;
    volatile boolean frozen; // being copied into a larger table: writers write again there

    Table(int slots) {
      keys = new int[slots];
      values = new long[slots];
      cursors = new byte[slots / WAYS];
      shift = 32 - Integer.numberOfTrailingZeros(slots / WAYS);
    }

    int bucket(int hash) {
      return ((hash * 0x9E3779B9) >>> shift) * WAYS;
    }
  }

  /** How many resources each kind's site has built: the eviction policy's input. */
  interface Counts {
    int builtAt(int kind);
  }

  private final Counts counts;
  private volatile Table table = new Table(MIN_SLOTS);

  Registry(Counts counts) {
    this.counts = counts;
  }

  static int hash(Object o) {
    int h = System.identityHashCode(o);
    return h == 0 ? 1 : h; // 0 marks an empty slot
  }

  private static int tag(Object o) {
    return System.identityHashCode(o.getClass()) & ((1 << TAG_BITS) - 1);
  }

  static int kindOf(long value) {
    return (int) (value >>> KIND_SHIFT);
  }

  /** Whether the entry {@code value} was marked as one that waited. */
  static boolean hasWaited(long value) {
    return (value & WAITED) != 0;
  }

  static int tokenOf(long value) {
    return (int) value;
  }

  /** Records that {@code o}, whose identity hash is {@code h}, is of {@code kind}, in resource {@code token}. */
  void put(Object o, int h, int kind, int token) {
    long value = ((long) kind << KIND_SHIFT) | ((long) tag(o) << 32) | (token & 0xFFFFFFFFL);
    Table t = table;
    while (true) {
      int slot = slotFor(t, h);
      if (slot < 0) {
        grow(t);
        t = table;
        continue;
      }
      t.values[slot] = value;
      // A volatile store, then a volatile read of frozen: a resize that set frozen before
      // copying either sees this entry or this writer sees frozen and writes again.
      KEYS.setVolatile(t.keys, slot, h);
      if (!t.frozen) {
        return;
      }
      while (table == t) {
        Thread.onSpinWait(); // the resize publishes the new table when its copy is done
      }
      t = table;
    }
  }

  /**
   * The slot for hash {@code h}: the first free one of its bucket, else the bucket's oldest entry
   * that is not kept; when every entry there is kept, the next buckets ({@link #REACH} slots in
   * all) are tried before the table grows. Returns -1 when the table should grow.
   */
  private int slotFor(Table t, int h) {
    int mask = t.keys.length - 1;
    int b = t.bucket(h);
    for (int n = 0; n < REACH; n += WAYS) {
      int base = (b + n) & mask;
      for (int i = base; i < base + WAYS; i++) {
        if ((int) KEYS.getAcquire(t.keys, i) == 0) {
          return i;
        }
      }
      int start = t.cursors[base / WAYS];
      for (int j = 0; j < WAYS; j++) {
        int way = (start + j) & (WAYS - 1);
        long v = t.values[base + way];
        if ((v & WAITED) == 0 && counts.builtAt(kindOf(v)) > PROTECTED) {
          t.cursors[base / WAYS] = (byte) ((way + 1) & (WAYS - 1));
          return base + way; // not kept: its site builds many, and it never waited
        }
      }
    }
    return t.keys.length < MAX_SLOTS ? -1 : (b + (h & (WAYS - 1))) & mask;
  }

  /** The value registered for {@code o}, or 0. */
  long get(Object o) {
    if (o == null) {
      return 0;
    }
    int h = hash(o);
    Table t = table;
    int mask = t.keys.length - 1;
    int b = t.bucket(h);
    int tag = tag(o);
    for (int n = 0; n < REACH; n++) {
      int i = (b + n) & mask;
      int k = (int) KEYS.getAcquire(t.keys, i);
      if (k == 0) {
        return 0; // slots fill in order and are never emptied: it is not further on
      }
      if (k == h) {
        long v = t.values[i];
        if (((int) (v >>> 32) & ((1 << TAG_BITS) - 1)) == tag) {
          return v;
        }
      }
    }
    return 0;
  }

  /** Marks {@code o}'s entry as one that waited: it is kept from now on. */
  void waited(Object o) {
    int h = hash(o);
    int tag = tag(o);
    Table t = table;
    int mask = t.keys.length - 1;
    int b = t.bucket(h);
    for (int n = 0; n < REACH; n++) {
      int i = (b + n) & mask;
      int k = (int) KEYS.getAcquire(t.keys, i);
      if (k == 0) {
        return;
      }
      long v = t.values[i];
      if (k == h && ((int) (v >>> 32) & ((1 << TAG_BITS) - 1)) == tag) {
        if ((v & WAITED) == 0) {
          t.values[i] = v | WAITED;
        }
        return;
      }
    }
  }

  private synchronized void grow(Table full) {
    if (table != full) {
      return; // another writer grew it
    }
    full.frozen = true;
    Table t = new Table(full.keys.length * 2);
    for (int i = 0; i < full.keys.length; i++) {
      int h = (int) KEYS.getVolatile(full.keys, i);
      if (h != 0) {
        int slot = slotFor(t, h);
        if (slot < 0) {
          slot = (t.bucket(h) + (h & (WAYS - 1))) & (t.keys.length - 1); // kept entries all around
        }
        t.values[slot] = full.values[i];
        t.keys[slot] = h;
      }
    }
    table = t;
  }

  int size() {
    Table t = table;
    int n = 0;
    for (int k : t.keys) {
      if (k != 0) {
        n++;
      }
    }
    return n;
  }

  int capacity() {
    return table.keys.length;
  }

  void clear() {
    table = new Table(MIN_SLOTS);
  }
}
