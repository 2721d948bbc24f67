package dev.blockedtime.bootstrap;

/**
 * One thread's view of its current blocking operation and wait.
 *
 * <p>Design: everything here is written only by the owning thread. The {@code wait*} fields are
 * volatile because the gauge collector reads them from another thread while the wait is in
 * progress; {@link #waitName} is written last when a wait opens and first cleared when it closes,
 * so a reader that sees it non-null sees the start time and operation of that same wait.
 */
public final class ThreadState {
  /**
   * Held weakly: the in-progress sets keep a thread's state until a sweep finds it dead, and from
   * JDK 19 a dead thread still references its task (a pool's worker, and through it the pool).
   */
  private final java.lang.ref.WeakReference<Thread> thread;
  /** The agent's and this extension's threads are never recorded (but see {@link BlockedTime#rehearse}). */
  boolean ignored;
  /** Set only while the warm-up thread rehearses: its waits go here, and never to the gauges. */
  Recorder rehearsal;
  /** Set while this thread records, so that locks taken by the recording itself are not waits. */
  boolean busy;

  // The blocking operation this thread is about to wait in: set around the one call inside the
  // operation that can park (see WaitCalls), or around a CyclicBarrier's await.
  Object opQueue;
  String opMethod;
  /** Set while an untimed LinkedBlockingDeque operation waits for the deque's lock. */
  boolean lockInOp;

  /** The future wait in progress (see FutureWaits); while set, no other wait opens on this thread. */
  FutureWaits.Wait future;

  // The wait in progress, from the first park of the operation to its end.
  boolean open;
  boolean standalone;
  /** The queue (registration token) of an operation's wait, which the operation's exit closes. */
  int waitToken;
  /**
   * The queue whose marked call opened the wait (or parked in it again), when there was one: the
   * operation's exit on that same queue closes the wait without a look in the registry.
   */
  Object waitQueue;
  /**
   * The queues this thread looked up last, one for its operations' parks and one for their exits
   * (a rendezvous queue's operation marks its transferer, its exit the queue itself): see
   * BlockedTime.isResource.
   */
  final LastLookup opLookup = new LastLookup();
  final LastLookup exitLookup = new LastLookup();

  /** A queue, held weakly, and its registration token. */
  static final class LastLookup {
    java.lang.ref.WeakReference<Object> queue;
    int token;
  }
  /** The wait's parks are over and it waits for its operation's exit (counted by BlockedTime.opWaitPending). */
  boolean awaitingExit;
  /** Where {@link #awaitingExit} is counted: the thread's stripe (ExitCounters). */
  final int exitStripe;
  int depth;
  boolean transferSegment;
  byte role;
  long startNanos;
  long endNanos;
  /** The open wait's stack, walked before a park (see BlockedTime#preWalk), or null. */
  Frames.StackInfo preStack;
  /**
   * The resources (registration tokens) whose last wait on this thread lasted the stack threshold,
   * a few of them: a thread that waits on a queue often waits on a latch or a lock in between.
   */
  private final int[] longWaits = new int[4];
  private int nextLongWait;
  /** For lock waits: {@code exclusive} or {@code shared}; null for queue waits. */
  String lockMode;

  /** The in-progress sets this thread is in, a bit per set (see InProgressWaits#join). */
  byte inProgressSets;

  volatile ResourceName waitName;
  volatile String waitOp;
  volatile String waitState;
  volatile long waitStartNanos;

  ThreadState(Thread thread) {
    this.thread = new java.lang.ref.WeakReference<>(thread);
    this.exitStripe = ExitCounters.stripeOf(thread);
    this.ignored = isAgentThread(thread.getName());
  }

  /** Whether this thread's last wait on resource {@code token} lasted the stack threshold. */
  boolean lastWaitWasLong(int token) {
    if (token == 0) {
      return false;
    }
    for (int t : longWaits) {
      if (t == token) {
        return true;
      }
    }
    return false;
  }

  /** Notes whether this thread's wait on resource {@code token} that just ended was long. */
  void waitEnded(int token, boolean wasLong) {
    if (token == 0) {
      return;
    }
    int[] t = longWaits;
    for (int i = 0; i < t.length; i++) {
      if (t[i] == token) {
        if (!wasLong) {
          t[i] = 0;
        }
        return;
      }
    }
    if (wasLong) {
      t[nextLongWait] = token;
      nextLongWait = (nextLongWait + 1) % t.length;
    }
  }

  /** The thread, or null once it has died and been collected. */
  Thread thread() {
    return thread.get();
  }

  /** Whether the thread has died (and so has no wait in progress). */
  boolean dead() {
    Thread t = thread.get();
    return t == null || !t.isAlive();
  }

  static boolean isAgentThread(String name) {
    return name.startsWith("BatchSpanProcessor_WorkerThread")
        || name.startsWith("BatchLogRecordProcessor_WorkerThread")
        || name.startsWith("PeriodicMetricReader")
        || name.startsWith("otel-javaagent")
        || name.equals("jmx_bean_finder") // the agent's JMX metrics discovery
        || name.startsWith("blocked-time-");
  }
}
