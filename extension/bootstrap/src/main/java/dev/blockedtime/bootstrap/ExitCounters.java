package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How many threads have an operation wait that waits for its operation's exit (see {@link
 * BlockedTime#opWaitPending}), counted per stripe of threads, each stripe alone on its cache
 * lines. A thread changes and reads only its own stripe: the exit of every blocking queue method
 * reads it, and with one counter for the whole JVM every wait anywhere invalidated the line that
 * every other thread's queue exits read (a cache miss between two cores, 70–330 ns on this host),
 * and made those exits call into the wait path for nothing.
 *
 * <p>A thread's stripe is its id's low bits: threads that share one see each other's pending
 * exits, which costs them a needless call, never a missed one.
 */
final class ExitCounters {
  static final int STRIPES = 64; // a power of two
  // 128 bytes a stripe: the line and the one the CPU prefetches with it
  private static final int STRIDE = 16;
  private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

  // the first stride left empty keeps stripe 0 off the array's header
  private final long[] cells = new long[(STRIPES + 1) * STRIDE];

  @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same value
  static int stripeOf(Thread thread) {
    return (int) thread.getId() & (STRIPES - 1);
  }

  /** The current thread's stripe, read plainly: a thread sees its own changes in order. */
  long current() {
    return cells[index(stripeOf(Thread.currentThread()))];
  }

  void add(int stripe, long delta) {
    CELL.getAndAdd(cells, index(stripe), delta);
  }

  long sum() {
    long sum = 0;
    for (int i = 0; i < STRIPES; i++) {
      sum += (long) CELL.getVolatile(cells, index(i));
    }
    return sum;
  }

  private static int index(int stripe) {
    return (stripe + 1) * STRIDE;
  }
}
