package dev.blockedtime.testsupport;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.ThreadState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Plays the part of the advice and of application code, from outside the core's packages, so that
 * allocation sites and waiting stacks resolve to frames here. Each method returns the
 * {@code class.method:line} of its call into the core, taken on the same source line.
 */
public final class QueueDriver {
  // The registry keeps a queue's internal locks and conditions for as long as the queue lives; an
  // application's thread waiting on them is inside one of the queue's methods, which keeps it
  // alive. These tests wait on the parts directly, so the driver keeps the queues alive instead.
  private static final List<Object> REGISTERED = Collections.synchronizedList(new ArrayList<>());

  private QueueDriver() {}

  /** Constructor-exit advice: registers {@code queue}; returns its allocation site. */
  public static String register(Object queue, String type) {
    REGISTERED.add(queue);
    StackTraceElement at = new Throwable().getStackTrace()[0]; BlockedTime.queueCreated(queue, type);
    return SiteProbe.expected(at);
  }

  /** The same, from a second call site, for a second resource name. */
  public static String registerElsewhere(Object queue, String type) {
    REGISTERED.add(queue);
    StackTraceElement at = new Throwable().getStackTrace()[0]; BlockedTime.queueCreated(queue, type);
    return SiteProbe.expected(at);
  }

  /** Constructor-exit advice of a lock: {@code blocker} is what its waits park on. */
  public static String registerLock(Object blocker, String type) {
    StackTraceElement at = new Throwable().getStackTrace()[0]; BlockedTime.lockCreated(blocker, blocker, type);
    return SiteProbe.expected(at);
  }

  /** Exit advice of a blocking method; returns the line that becomes the top of the waiting stack. */
  public static String opExit(ThreadState s, Throwable thrown, boolean gaveUp) {
    StackTraceElement at = new Throwable().getStackTrace()[0]; BlockedTime.opExit(s, thrown, gaveUp);
    return SiteProbe.expected(at);
  }

  /** Exit advice of a synchronizer or condition wait. */
  public static String waitEnd(ThreadState s, int result) {
    StackTraceElement at = new Throwable().getStackTrace()[0]; BlockedTime.waitEnd(s, result);
    return SiteProbe.expected(at);
  }

  /**
   * Entry of {@code LockSupport.park(blocker)} inside a wait that is open already; returns the
   * line of its call into the core, the top of a stack walked there.
   */
  public static String parkBegin(Object blocker) {
    StackTraceElement at = new Throwable().getStackTrace()[0]; BlockedTime.parkBegin(blocker);
    return SiteProbe.expected(at);
  }

  /** {@code LockSupport.setCurrentBlocker(blocker)}: a condition wait announces its park. */
  public static String currentBlocker(Object blocker) {
    StackTraceElement at = new Throwable().getStackTrace()[0]; BlockedTime.currentBlocker(blocker);
    return SiteProbe.expected(at);
  }

  /** {@code LockSupport.setCurrentBlocker(null)} after a rendezvous park. */
  public static String currentBlockerCleared() {
    StackTraceElement at = new Throwable().getStackTrace()[0]; BlockedTime.currentBlocker(null);
    return SiteProbe.expected(at);
  }
}
