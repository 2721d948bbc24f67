package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter that threads change on every wait or task and that advice reads on every call, alone
 * on its cache lines. As a static field it sat in its class's mirror beside the volatile statics
 * every call reads, so each change also invalidated their line for the other cores. (Hygiene: the
 * fork/join and hand-off benchmarks showed no difference either way within their noise.)
 *
 * <p>Readers read {@link #get} plainly: a thread sees its own changes in order, and the callers say
 * why another thread's are ordered for them.
 */
final class PaddedCounter {
  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(PaddedCounter.class, "value", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // fields of one size keep their declared order: 56 bytes on either side of the value
  @SuppressWarnings("unused")
  private long p1, p2, p3, p4, p5, p6, p7;

  private long value;

  @SuppressWarnings("unused")
  private long q1, q2, q3, q4, q5, q6, q7;

  long get() {
    return value;
  }

  void add(long delta) {
    VALUE.getAndAdd(this, delta);
  }
}
