package dev.blockedtime.bootstrap;

import java.lang.StackWalker.StackFrame;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * Waiting stacks seen recently, found again by what a stack walk has at hand for each frame: the
 * method and the bytecode index. The method is the object the VM interns for it ({@link
 * Frames#methodId}), compared by identity, or where the JDK gives none, its class, name and
 * descriptor (a call into the VM per frame: it writes those only when asked). Those fix the frame's line, so
 * a stack found here has the text and hash it had when it was first built, and its walk skips the
 * expensive part: the JVM builds a {@code StackTraceElement} for each frame to give its line
 * number (the walk of a wait with line numbers: 7-15 µs here; without: see the StackWalk
 * benchmarks in the README).
 *
 * <p>Direct-mapped and bounded ({@value #SLOTS} stacks); a slot holds the last stack that hashed
 * to it. Methods and classes are held weakly (a stack never keeps an application's class loader alive), and
 * an entry is rebuilt after {@value #MAX_AGE_SECONDS} seconds, so that a class retransformed
 * since (its bytecode indexes may map to other lines) is named right again within that time.
 * Entries are immutable and published by a plain array store: a racing thread sees a whole entry
 * or the one before.
 */
final class StackCache {
  static final int SLOTS = 256;
  static final long MAX_AGE_SECONDS = 60;
  private static final long MAX_AGE_NANOS = MAX_AGE_SECONDS * 1_000_000_000L;

  private static final Entry[] ENTRIES = new Entry[SLOTS];

  private StackCache() {}

  /** The stack of the first {@code n} of {@code frames}, from the cache or built and cached. */
  static Frames.StackInfo lookup(StackFrame[] frames, int n) {
    return lookup(frames, n, System.nanoTime());
  }

  static Frames.StackInfo lookup(StackFrame[] frames, int n, long now) {
    int key = 1;
    Object[] ids = new Object[n];
    for (int i = 0; i < n; i++) {
      StackFrame f = frames[i];
      Object id = Frames.methodId(f);
      ids[i] = id;
      key = 31 * key + (id != null ? System.identityHashCode(id) : f.getMethodName().hashCode());
      key = 31 * key + f.getByteCodeIndex();
    }
    int slot = (key ^ (key >>> 16)) & (SLOTS - 1);
    Entry e = ENTRIES[slot];
    if (e != null && now - e.bornNanos < MAX_AGE_NANOS && e.matchesSafely(frames, ids, n)) {
      return e.stack;
    }
    Frames.StackInfo stack = Frames.StackInfo.of(frames, n);
    Entry fresh = Entry.of(frames, ids, n, stack, now);
    if (fresh != null) {
      ENTRIES[slot] = fresh;
    }
    return stack;
  }

  /** For tests: forgets every stack. */
  static void clear() {
    Arrays.fill(ENTRIES, null);
  }

  private static final class Entry {
    // Per frame, the method's identity (Frames.methodId) if it has one, else its class, name and
    // descriptor; and always its bytecode index.
    final WeakReference<Object>[] ids;
    final WeakReference<Class<?>>[] classes;
    final String[] methods;
    final String[] descriptors;
    final int[] bcis;
    final Frames.StackInfo stack;
    final long bornNanos;

    private Entry(
        WeakReference<Object>[] ids,
        WeakReference<Class<?>>[] classes,
        String[] methods,
        String[] descriptors,
        int[] bcis,
        Frames.StackInfo stack,
        long bornNanos) {
      this.ids = ids;
      this.classes = classes;
      this.methods = methods;
      this.descriptors = descriptors;
      this.bcis = bcis;
      this.stack = stack;
      this.bornNanos = bornNanos;
    }

    /** Null when a frame cannot be identified (no class reference, or no bytecode index). */
    @SuppressWarnings("unchecked")
    static Entry of(StackFrame[] frames, Object[] ids, int n, Frames.StackInfo stack, long now) {
      WeakReference<Object>[] idRefs = new WeakReference[n];
      WeakReference<Class<?>>[] classes = new WeakReference[n];
      String[] methods = new String[n];
      String[] descriptors = new String[n];
      int[] bcis = new int[n];
      try {
        for (int i = 0; i < n; i++) {
          StackFrame f = frames[i];
          if (f.isNativeMethod()) {
            return null; // no bytecode index to tell two calls of it apart
          }
          bcis[i] = f.getByteCodeIndex();
          if (ids[i] != null) {
            idRefs[i] = new WeakReference<>(ids[i]);
            continue;
          }
          classes[i] = new WeakReference<>(f.getDeclaringClass());
          methods[i] = f.getMethodName();
          descriptors[i] = Frames.descriptor(f);
        }
      } catch (UnsupportedOperationException e) {
        return null; // a walker without class references
      }
      return new Entry(idRefs, classes, methods, descriptors, bcis, stack, now);
    }

    boolean matchesSafely(StackFrame[] frames, Object[] ids, int n) {
      try {
        return matches(frames, ids, n);
      } catch (UnsupportedOperationException e) {
        return false; // a walker without class references
      }
    }

    private boolean matches(StackFrame[] frames, Object[] ids, int n) {
      if (n != bcis.length) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        StackFrame f = frames[i];
        if (bcis[i] != f.getByteCodeIndex()) {
          return false;
        }
        if (this.ids[i] != null || ids[i] != null) {
          if (this.ids[i] == null || ids[i] == null || this.ids[i].get() != ids[i]) {
            return false; // another method, or its class unloaded
          }
          continue;
        }
        if (classes[i].get() != f.getDeclaringClass()
            || !methods[i].equals(f.getMethodName())
            || !descriptors[i].equals(Frames.descriptor(f))) {
          return false;
        }
      }
      return true;
    }
  }
}
