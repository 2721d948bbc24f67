package dev.blockedtime.bootstrap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinWorkerThread;
import jdk.internal.vm.annotation.DontInline;

/**
 * Waits until another thread finishes a piece of work: {@code Future.get} on a {@code FutureTask},
 * {@code CompletableFuture.get}/{@code join}, {@code ForkJoinTask.get}/{@code join} from outside
 * the pool, and {@code Thread.join}.
 *
 * <p>Cost model: the advice sits only on the JDK's private slow paths ({@code
 * FutureTask.awaitDone}, {@code CompletableFuture.waitingGet}/{@code timedGet}, {@code
 * ForkJoinTask.awaitDone}, {@code VirtualThread.joinNanos}), which the public methods call only
 * when the work is not done yet; a future that is already done never reaches this class.
 *
 * <p>Design: a wait is one {@link Wait}, created on the waiting thread when the slow path begins
 * and ended by the same thread when it returns. While it lasts it is the thread's {@code
 * ThreadState.future}, which keeps every other wait from opening on that thread (the parks and
 * the latch beneath a future wait are the future's own: a wait counts once), and a member of the
 * in-progress set that the gauge collector walks. Its fields are final, and adding it to the set
 * publishes them to the collector.
 *
 * <p>Every method here catches everything: advice must never throw into the application.
 */
public final class FutureWaits {
  public static final String FUTURE_TASK = "FutureTask";
  public static final String COMPLETABLE_FUTURE = "CompletableFuture";
  public static final String FORK_JOIN_TASK = "ForkJoinTask";
  public static final String THREAD = "Thread";
  public static final String GET = "get";
  public static final String JOIN = "join";

  // FutureTask's states up to COMPLETING mean "not done": a timed get that returns one gave up.
  private static final int FUTURE_TASK_COMPLETING = 1;
  // ForkJoinTask.awaitDone returns its status (negative once done), ABNORMAL when interrupted
  // before the task was done, 0 when its deadline passed (JDK 17 and 25 alike).
  private static final int FORK_JOIN_ABNORMAL = 1 << 16;

  private static final Set<Wait> IN_PROGRESS = ConcurrentHashMap.newKeySet();
  private static volatile FutureRecorder recorder;

  private FutureWaits() {}

  /** Starts recording into {@code newRecorder}; waits that end before this are dropped. */
  public static void start(FutureRecorder newRecorder) {
    recorder = newRecorder;
  }

  /** One wait in progress. */
  public static final class Wait {
    final ThreadState state;
    final String type;
    final String operation;
    final long startNanos;

    Wait(ThreadState state, String type, String operation, long startNanos) {
      this.state = state;
      this.type = type;
      this.operation = operation;
      this.startNanos = startNanos;
    }
  }

  // ---------------------------------------------------------------- entry points for the advice

  /** {@code FutureTask.awaitDone(timed, nanos)}: reached by {@code get} when the task was not done. */
  public static Wait futureTaskBegin(boolean timed, long nanos) {
    return timed && nanos <= 0 ? null : begin(FUTURE_TASK, GET);
  }

  /** Exit of {@code FutureTask.awaitDone}, which returns the task's state. */
  public static void futureTaskEnd(Wait w, boolean timed, int state, Throwable thrown) {
    end(w, outcome(thrown, timed && thrown == null && state <= FUTURE_TASK_COMPLETING));
  }

  /** {@code CompletableFuture.waitingGet(interruptible)}: {@code get} when interruptible, else {@code join}. */
  public static Wait completableBegin(boolean interruptible) {
    return begin(COMPLETABLE_FUTURE, interruptible ? GET : JOIN);
  }

  /** {@code CompletableFuture.timedGet(nanos)}: a timed {@code get}. */
  public static Wait completableTimedBegin(long nanos) {
    return nanos <= 0 ? null : begin(COMPLETABLE_FUTURE, GET);
  }

  /**
   * Exit of {@code waitingGet}/{@code timedGet}: they return the raw result, null when
   * interrupted, and {@code timedGet} throws {@code TimeoutException} when it gave up.
   */
  public static void completableEnd(Wait w, Object result, Throwable thrown) {
    end(w, thrown != null ? outcome(thrown, false) : (result == null ? BlockedTime.Outcome.INTERRUPTED : BlockedTime.Outcome.OK));
  }

  /**
   * {@code ForkJoinTask.awaitDone}, reached by {@code get}/{@code join}/{@code invoke} when the task
   * was not done: {@code get} when interruptible, else {@code join}. A pool's own workers joining
   * the tasks they forked are not waits of this kind.
   */
  public static Wait forkJoinBegin(boolean interruptible, boolean timed, long nanos) {
    if ((timed && nanos <= 0) || Thread.currentThread() instanceof ForkJoinWorkerThread) {
      return null;
    }
    return begin(FORK_JOIN_TASK, interruptible ? GET : JOIN);
  }

  /** Exit of {@code ForkJoinTask.awaitDone}, which returns the task's status. */
  public static void forkJoinEnd(Wait w, int status, Throwable thrown) {
    String outcome;
    if (thrown != null || status == FORK_JOIN_ABNORMAL) {
      outcome = BlockedTime.Outcome.INTERRUPTED;
    } else {
      outcome = status >= 0 ? BlockedTime.Outcome.TIMEOUT : BlockedTime.Outcome.OK;
    }
    end(w, outcome);
  }

  /** {@code VirtualThread.joinNanos(nanos)} (JDK 21+): {@code Thread.join} of a virtual thread. */
  public static Wait virtualJoinBegin() {
    return begin(THREAD, JOIN);
  }

  /** Exit of {@code VirtualThread.joinNanos}, which returns whether the thread terminated. */
  public static void virtualJoinEnd(Wait w, boolean terminated, Throwable thrown) {
    end(w, outcome(thrown, thrown == null && !terminated));
  }

  // ---------------------------------------------------------------- the wait itself

  static Wait begin(String type, String operation) {
    try {
      ThreadState s = BlockedTime.state();
      if (s.busy || s.ignored || s.future != null) {
        return null; // recording, the agent's thread, or a future wait inside one (a helping worker)
      }
      Wait w = new Wait(s, type, operation, System.nanoTime());
      s.future = w;
      IN_PROGRESS.add(w);
      return w;
    } catch (Throwable t) {
      failed(t);
      return null;
    }
  }

  @DontInline // the recording and its stack walk stay out of the JDK's wait methods (see BlockedTime#finish)
  static void end(Wait w, String outcome) {
    if (w == null) {
      return;
    }
    try {
      long duration = Math.max(0, System.nanoTime() - w.startNanos);
      ThreadState s = w.state;
      s.future = null;
      IN_PROGRESS.remove(w);
      FutureRecorder r = recorder;
      if (r == null) {
        return;
      }
      s.busy = true;
      try {
        StackHashes.Seen stack = StackHashes.futureWaitStack(duration);
        Thread t = Thread.currentThread(); // end runs on the waiting thread
        r.record(
            new FutureWaitEvent(
                w.type, w.operation, outcome, w.startNanos, duration, stack, t.getName(),
                threadId(t), true));
      } finally {
        s.busy = false;
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  private static String outcome(Throwable thrown, boolean gaveUp) {
    return BlockedTime.Outcome.of(thrown, gaveUp);
  }

  /**
   * Records a wait observed after the fact by another thread (a JFR event for a platform
   * thread's {@code Thread.join}): never a span event; {@code frames} start at the caller of the
   * operation.
   */
  public static void recordObserved(
      String type,
      String operation,
      String outcome,
      long durationNanos,
      List<String> frames,
      String threadName,
      long threadId) {
    FutureRecorder r = recorder;
    if (r == null) {
      return;
    }
    try {
      StackHashes.Seen stack = StackHashes.observed(frames, durationNanos);
      r.record(
          new FutureWaitEvent(
              type, operation, outcome, System.nanoTime() - durationNanos, durationNanos, stack,
              threadName, threadId, false));
    } catch (Throwable t) {
      failed(t);
    }
  }

  /** Records a virtual thread pinned while it blocked, observed by JFR. */
  public static void recordPinned(String reason, long durationNanos, List<String> frames) {
    FutureRecorder r = recorder;
    if (r == null) {
      return;
    }
    try {
      StackHashes.Seen stack = StackHashes.observed(frames, durationNanos);
      r.recordPinned(reason, durationNanos, stack.stack, stack.first);
    } catch (Throwable t) {
      failed(t);
    }
  }

  // ---------------------------------------------------------------- in-progress gauges

  /** The future waits in progress of one type and operation. */
  public static final class Group {
    public final String type;
    public final String operation;
    public int threads;
    public long oldestNanos;

    Group(String type, String operation) {
      this.type = type;
      this.operation = operation;
    }
  }

  /**
   * Groups the waits in progress by type and operation, as seen at {@code nowNanos}. There are at
   * most eight groups, so the walk allocates nothing per waiter.
   */
  public static List<Group> snapshot(long nowNanos) {
    List<Group> groups = new ArrayList<>(4);
    for (Wait w : IN_PROGRESS) {
      Group g = null;
      for (Group candidate : groups) {
        // the strings are the constants above: identity is equality
        if (candidate.type == w.type && candidate.operation == w.operation) {
          g = candidate;
          break;
        }
      }
      if (g == null) {
        g = new Group(w.type, w.operation);
        groups.add(g);
      }
      g.threads++;
      g.oldestNanos = Math.max(g.oldestNanos, nowNanos - w.startNanos);
    }
    return groups;
  }

  static int inProgress() {
    return IN_PROGRESS.size();
  }

  @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same value
  private static long threadId(Thread t) {
    return t.getId();
  }

  private static void failed(Throwable t) {
    Log.once("failure.future", "internal error in blocked-time (future); the application is not affected", t);
  }
}
