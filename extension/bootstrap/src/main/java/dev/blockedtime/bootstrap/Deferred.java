package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.internal.vm.annotation.DontInline;

/**
 * Finished waits that their thread hands to the extension's recorder thread instead of recording
 * them itself: the waits that end with the thread holding what it waited for (a lock, a permit, a
 * condition's lock). Recording there (the attributes, the SDK's histogram and its lock per series)
 * lengthens the critical section that the lock's other threads wait for; handing a wait over is
 * two plain stores and an ordered one.
 *
 * <p>Each thread has a ring of its own ({@value #SIZE} waits) with one writer, its thread, and one
 * reader, whoever holds this class's drain lock: the recorder thread every few milliseconds, and
 * the metric reader's collection (through the in-progress gauges' callback, which the SDK runs
 * before it reads the histograms), so an export has every wait that ended before it began. A
 * thread whose ring is full records the wait itself, as before: nothing is dropped, and memory is
 * bounded by the ring. Rings of dead threads are dropped once drained.
 */
public final class Deferred {
  static final int SIZE = 64; // a power of two
  private static final int MASK = SIZE - 1;
  private static final VarHandle HEAD;
  private static final VarHandle TAIL;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      HEAD = l.findVarHandle(Deferred.class, "head", long.class);
      TAIL = l.findVarHandle(Deferred.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // The threads that ever handed a wait over; a dead one leaves once its ring is empty.
  private static final Set<ThreadState> THREADS = ConcurrentHashMap.newKeySet();
  private static final Object DRAIN = new Object();
  private static volatile boolean running;

  private final WaitEvent[] slots = new WaitEvent[SIZE];
  @SuppressWarnings("unused") // through HEAD: the reader's position
  private long head;
  @SuppressWarnings("unused") // through TAIL: the writer's position
  private long tail;

  Deferred() {}

  /** Whether a thread drains the rings: until then (and in unit tests) every wait records itself. */
  static boolean running() {
    return running;
  }

  /** Called once the recorder thread runs. */
  public static void started() {
    running = true;
  }

  /** Called if the recorder thread stops: threads record their waits themselves again. */
  public static void stopped() {
    running = false;
  }

  /** Hands {@code e} to the recorder; false when {@code s}'s ring is full (the caller records it). */
  @DontInline // see BlockedTime#finish
  static boolean offer(ThreadState s, WaitEvent e) {
    Deferred ring = s.deferred;
    if (ring == null) {
      ring = new Deferred();
      s.deferred = ring;
      THREADS.add(s);
    }
    return ring.put(e);
  }

  boolean put(WaitEvent e) {
    long t = (long) TAIL.getOpaque(this); // only this thread writes it
    if (t - (long) HEAD.getAcquire(this) >= SIZE) {
      return false;
    }
    slots[(int) t & MASK] = e;
    TAIL.setRelease(this, t + 1); // publishes the slot
    return true;
  }

  /** Records what this ring holds into {@code r}; the caller holds the drain lock. */
  int drainInto(Recorder r) {
    long h = (long) HEAD.getOpaque(this);
    long t = (long) TAIL.getAcquire(this);
    for (long i = h; i < t; i++) {
      int slot = (int) i & MASK;
      WaitEvent e = slots[slot];
      slots[slot] = null;
      try {
        r.record(e);
      } catch (Throwable x) {
        Log.once("failure.record", "internal error in blocked-time (record); the application is not affected", x);
      }
    }
    HEAD.setRelease(this, t); // frees the slots for the writer
    return (int) (t - h);
  }

  /**
   * Records every wait handed over so far into {@code r}: the recorder thread's loop, and a
   * collection's callback. Returns how many. The calling thread must not be an application's.
   */
  public static int drain(Recorder r, boolean sweepDead) {
    if (r == null) {
      return 0;
    }
    int n = 0;
    synchronized (DRAIN) {
      for (Iterator<ThreadState> it = THREADS.iterator(); it.hasNext(); ) {
        ThreadState s = it.next();
        n += s.deferred.drainInto(r);
        if (sweepDead && s.dead()) {
          it.remove();
          s.deferred.drainInto(r); // whatever it wrote between the drain and its death
        }
      }
    }
    return n;
  }

  /** Threads with a ring: for tests. */
  static int threads() {
    return THREADS.size();
  }
}
