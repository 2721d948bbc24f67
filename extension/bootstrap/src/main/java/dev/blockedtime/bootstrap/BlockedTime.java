package dev.blockedtime.bootstrap;

import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import jdk.internal.vm.annotation.DontInline;

/**
 * The entry points that advice inlined into {@code java.util.concurrent} calls, and the state
 * machine that turns a thread's parks into one wait per operation.
 *
 * <p>Cost model: an operation that does not wait reaches this class only through the exit advice
 * of a blocking queue method, which reads one shared counter ({@link #opWaitPending}) and stops
 * there while no thread has a wait waiting for its operation's exit. Everything else runs only on
 * paths that park: the synchronizer's slow acquire, condition waits, and the parks of rendezvous
 * queues.
 *
 * <p>How one operation becomes one point: the one call inside a blocking queue method that can
 * park (a condition's {@code await}, a rendezvous queue's park; see {@link WaitCalls}) marks the
 * thread as inside that operation for its duration, so the first park of the same queue opens the
 * wait under the operation's name. The wait stays open after the park: later parks of the same
 * operation (another round of the wait loop, the queue's other lock) extend it, and the method's
 * exit closes it and records once. A wait for the queue's lock inside a blocking method (which
 * takes it interruptibly, or through {@link #lockForOperation}) opens the same way and is named by
 * the exit. A park on a queue's internal lock outside any blocking operation (an untimed {@code
 * offer} or {@code poll} under contention) is a wait of its own, operation {@code unknown}, state
 * {@code contended}.
 *
 * <p>Every method here catches everything: advice must never throw into the application.
 */
public final class BlockedTime {
  private static final ThreadLocal<ThreadState> STATE =
      ThreadLocal.withInitial(() -> new ThreadState(Thread.currentThread()));

  // Threads whose operation wait has stopped parking and waits for the operation's exit to close
  // it, by stripe of threads. Nonzero only between the end of a park and the return of the method
  // that parked. The exit advice reads its own thread's stripe plainly (opWaitPending).
  private static final ExitCounters AWAITING_EXIT = new ExitCounters();

  private static volatile Settings settings = Settings.defaults();
  private static volatile Recorder recorder;

  private BlockedTime() {}

  /** Applies the settings; called once at start-up, before any advice is installed. */
  public static void configure(Settings newSettings) {
    settings = newSettings;
    Resources.configure(newSettings);
  }

  public static Settings settings() {
    return settings;
  }

  private static final int WARM_UP_WALKS = 2_000;

  /**
   * Runs, once, on a thread of the extension's own at start-up, what the first wait of a JVM
   * would otherwise do on the application's thread inside its operation: load and initialize the
   * classes of the wait path and link the stack walker and its lambdas (tens of milliseconds in
   * all). Records nothing and changes no state the waits read.
   */
  public static void warmUp() {
    try {
      ThreadState s = STATE.get();
      // Often enough for the JIT to compile the walk: interpreted, the first long wait's stack
      // walk cost the application's call about 4 ms (FirstWaitBenchmarks).
      for (int i = 0; i < WARM_UP_WALKS; i++) {
        Frames.waitingStack(settings.stackDepth);
      }
      Frames.allocationSite(Object.class);
      InProgressWaits.snapshot(ResourceName.Kind.QUEUE, System.nanoTime());
      Ops.snake("takeFirst");
      Outcome.of(new InterruptedException(), false);
      QueueState.of(Registration.NOT_FULL);
      Resources.lookup(s);
      Resources.warmUp();
      for (Class<?> c :
          new Class<?>[] {StackTable.class, StackTable.Seen.class, WaitEvent.class, LockOps.class, Registration.class}) {
        Class.forName(c.getName(), true, null);
      }
    } catch (Throwable t) {
      failed("warm-up", t);
    }
  }

  /** Where the rehearsal's own queue and semaphore are built: its series exist only in a private recorder. */
  static final String REHEARSAL_SITE = "dev.blockedtime.bootstrap.BlockedTime.rehearse:0";

  /**
   * Runs the wait path itself {@code rounds} times on the calling thread, the extension's warm-up
   * thread, at start-up: timed waits of a nanosecond (they give up without parking) on a queue and
   * a semaphore of its own, through the instrumented JDK code, recorded into {@code
   * privateRecorder}, which exports nothing. Loading the classes ahead ({@link #warmUp}) is not
   * enough: the application's first wait would still run the wait path and the recording in the
   * interpreter; after this the JIT has compiled them (about 0.1 s of this thread, once). The
   * rehearsal's waits never reach the in-progress gauges or the deadlock detector.
   */
  public static void rehearse(Recorder privateRecorder, int rounds) {
    try {
      java.util.concurrent.ArrayBlockingQueue<Object> queue = new java.util.concurrent.ArrayBlockingQueue<>(1);
      java.util.concurrent.Semaphore semaphore = new java.util.concurrent.Semaphore(0);
      Resources.registerComposite(queue, "ArrayBlockingQueue", REHEARSAL_SITE);
      Resources.registerLockObject(semaphore, Resources.siteId("Semaphore", REHEARSAL_SITE));
      rehearse(
          privateRecorder,
          rounds,
          () -> {
            queue.poll(1, TimeUnit.NANOSECONDS);
            semaphore.tryAcquire(1, TimeUnit.NANOSECONDS);
          });
    } catch (Throwable t) {
      failed("rehearsal", t);
    }
  }

  /** One round of a rehearsal: waits that the instrumentation sees. */
  interface Round {
    void run() throws Exception;
  }

  /**
   * Runs {@code round} {@code rounds} times with this thread's waits recorded into {@code
   * privateRecorder} only (even on a thread that is otherwise ignored), then puts the thread back
   * as it was.
   */
  static void rehearse(Recorder privateRecorder, int rounds, Round round) throws Exception {
    ThreadState s = STATE.get();
    boolean wasIgnored = s.ignored;
    s.rehearsal = privateRecorder;
    s.ignored = false;
    try {
      for (int i = 0; i < rounds; i++) {
        round.run();
      }
    } finally {
      s.ignored = wasIgnored;
      s.rehearsal = null;
    }
  }

  /** This thread's state, for the other kinds of wait that share it ({@link FutureWaits}). */
  static ThreadState state() {
    return STATE.get();
  }

  /** Starts recording into {@code newRecorder}; waits that end before this are dropped. */
  public static void start(Recorder newRecorder) {
    recorder = newRecorder;
  }

  /**
   * {@code LinkedBlockingDeque}'s class as loaded runs a copy of each of {@code delegates}
   * ({@code putLast}, ...) inside the method that calls it, for the deque's own class: called by
   * the transformer that made the copies, before the class is defined.
   */
  public static void dequeDelegatesCopied(String... delegates) {
    Ops.copied(delegates);
  }

  // ---------------------------------------------------------------- resources

  /**
   * Constructor exit of a queue or a {@code CyclicBarrier} that no rewritten call site names (see
   * {@link Sites}): an application subclass of {@code type}, the j.u.c class it extends. The rare
   * fallback: it walks the stack for the line that constructed it.
   */
  @DontInline // see Sites
  public static void queueCreated(Object resource, String type) {
    try {
      ThreadState s = STATE.get();
      if (s.busy || s.ignored) {
        return;
      }
      s.busy = true;
      try {
        Resources.registerCompositeSubclass(resource, type);
      } finally {
        s.busy = false;
      }
    } catch (Throwable t) {
      failed("register", t);
    }
  }

  /**
   * Constructor exit of a lock, semaphore, latch, stamped lock or phaser that no rewritten call
   * site names: an application subclass of {@code type}. {@code blocker} is the object its waits
   * park on (its synchronizer, or the lock itself). Walks the stack, as {@link #queueCreated}.
   */
  @DontInline // see Sites
  public static void lockCreated(Object lock, Object blocker, String type) {
    try {
      ThreadState s = STATE.get();
      if (s.busy || s.ignored || blocker == null) {
        return;
      }
      s.busy = true;
      try {
        Resources.registerLockSubclass(lock, blocker, type);
      } finally {
        s.busy = false;
      }
    } catch (Throwable t) {
      failed("register", t);
    }
  }

  // ---------------------------------------------------------------- blocking operations

  /**
   * Marks the thread as inside blocking operation {@code method} of {@code queue} (a queue, or the
   * transferer or barrier its threads park on). Returns the thread's state when the thread was not
   * marked already; the caller must then call {@link #opLeave} or {@link #opExit}. Else null.
   */
  public static ThreadState opEnter(Object queue, String method) {
    try {
      ThreadState s = STATE.get();
      if (s.opQueue != null || s.busy || s.ignored) {
        return null;
      }
      s.opQueue = queue;
      s.opMethod = method;
      return s;
    } catch (Throwable t) {
      failed("op", t);
      return null;
    }
  }

  /**
   * End of the call that {@link #opEnter} marked, inside a blocking method: a wait it opened stays
   * open, for the method's exit ({@link #opReturned}) to close.
   */
  public static void opLeave(ThreadState s) {
    s.opQueue = null;
    s.opMethod = null;
  }

  /**
   * Whether this thread, or another of its stripe ({@link ExitCounters}), has a wait waiting for
   * its operation's exit: the exit advice of a blocking queue method calls {@link #opReturned}
   * only then (or when a timed call gave up), so a method that did not wait pays one read of a
   * counter that is almost always 0, on a line that only its stripe's threads write.
   *
   * <p>A plain read of a plain array element, with no barrier for the compiler to keep: a thread
   * needs to see only its own increments, which program order shows it; another thread's, seen
   * late or early, cost at most one needless {@link #opReturned}.
   */
  public static boolean opWaitPending() {
    return AWAITING_EXIT.current() != 0;
  }

  /**
   * Exit of blocking queue method {@code method} of {@code queue}: closes and records the wait
   * this call opened, named after {@code method}. {@code gaveUp} is true when a timed variant
   * returned its timeout value (false or null); one that gave up without parking is a wait of its
   * timeout ({@link #gaveUpWithoutParking}).
   */
  @DontInline // see finish
  public static void opReturned(
      Object queue, String method, Throwable thrown, boolean gaveUp, long timeout, TimeUnit unit) {
    try {
      ThreadState s = STATE.get();
      if (s.busy || s.ignored) {
        return;
      }
      if (s.open) {
        if (!s.awaitingExit || s.opQueue != null) {
          return;
        }
        if (queue != s.waitQueue && !isResource(s.exitLookup, queue, s.waitToken)) {
          return; // another queue's wait
        }
        if (Ops.delegated(queue, method, s.waitOp)) {
          return; // a deque method whose delegating caller closes the wait
        }
        finish(s, Ops.snake(method), Outcome.of(thrown, gaveUp));
      } else if (gaveUp && thrown == null && timeout > 0 && unit != null
          && Ops.delegator(queue, method) == null) {
        gaveUpWithoutParking(s, queue, Ops.snake(method), unit.toNanos(timeout));
      }
    } catch (Throwable t) {
      failed("op", t);
    }
  }

  /**
   * Whether {@code queue} is the resource with registration token {@code token}. The queue that
   * {@code last} (one of the thread's) saw last answers without a look in the registry: a
   * thread's operations mostly go to the same queue, and a rendezvous queue's waits open on its
   * transferer, so its exit cannot compare the queue with the one the wait opened on. A queue's
   * token never changes while it lives.
   */
  private static boolean isResource(ThreadState.LastLookup last, Object queue, int token) {
    WeakReference<Object> q = last.queue;
    if (q == null || !q.refersTo(queue)) {
      Registration r = Resources.lookup(queue);
      if (r == null) {
        return false;
      }
      last.queue = new WeakReference<>(queue);
      last.token = r.token;
    }
    return last.token == token;
  }

  /**
   * {@code lock()} of a {@code LinkedBlockingDeque}'s untimed blocking methods, after a failed
   * {@code tryLock()} (see {@link WaitCalls#lock}): their wait for the lock is part of the
   * operation, as the interruptible lock waits of the other blocking methods are.
   */
  static void lockForOperation(ReentrantLock lock) {
    ThreadState s = null;
    try {
      s = STATE.get();
      s.lockInOp = true;
    } catch (Throwable t) {
      failed("op", t);
    }
    try {
      lock.lock();
    } finally {
      if (s != null) {
        s.lockInOp = false;
      }
    }
  }

  /** All threads' pending exits: for tests. */
  static long pendingExits() {
    return AWAITING_EXIT.sum();
  }

  /** The gauge collector found {@code s}'s thread dead with its wait open: it will never exit. */
  static void forgetDeadThread(ThreadState s) {
    if (s.awaitingExit) {
      s.awaitingExit = false;
      AWAITING_EXIT.add(s.exitStripe, -1);
    }
  }

  /**
   * Exit of the operation whose {@link #opEnter} returned {@code s} and which was marked for its
   * whole length (a {@code CyclicBarrier}'s await). {@code gaveUp} is true when a timed variant
   * returned its timeout value.
   */
  @DontInline // see finish
  public static void opExit(ThreadState s, Throwable thrown, boolean gaveUp) {
    try {
      String method = s.opMethod;
      s.opQueue = null;
      s.opMethod = null;
      if (s.open) {
        finish(s, Ops.snake(method), Outcome.of(thrown, gaveUp));
      }
    } catch (Throwable t) {
      failed("op", t);
    }
  }

  /**
   * A timed call that gave up after a positive timeout without ever parking still waited that
   * long: on JDK 17, {@code SynchronousQueue} and {@code LinkedTransferQueue} spin and yield before
   * they park, and on a saturated machine the timeout can run out first. Such a call is recorded as
   * a wait of its timeout, ending now.
   */
  private static void gaveUpWithoutParking(ThreadState s, Object queue, String op, long timeoutNanos) {
    Registration r = Resources.lookup(queue);
    if (r == null || r.name.kind != ResourceName.Kind.QUEUE) {
      return;
    }
    long now = System.nanoTime();
    open(s, r.name, op, now - timeoutNanos, false, Ops.isConsumer(op) ? QueueState.EMPTY : QueueState.FULL);
    s.role = Ops.isConsumer(op) ? Registration.NOT_EMPTY : Registration.NOT_FULL;
    s.endNanos = now;
    finish(s, op, Outcome.TIMEOUT);
  }

  // ---------------------------------------------------------------- slow paths

  /**
   * Entry of a primitive that is about to wait on {@code blocker}: the synchronizer's slow acquire
   * or a condition wait. Returns the state to pass to {@link #waitEnd}, or null.
   */
  public static ThreadState waitBegin(Object blocker) {
    return waitBegin(blocker, 0);
  }

  /**
   * The synchronizer's slow acquire; {@code flags} are {@link LockOps#SHARED}, {@link
   * LockOps#INTERRUPTIBLE} and {@link LockOps#TIMED}, which name the operation of a lock wait.
   */
  @DontInline // see finish
  public static ThreadState waitBegin(Object blocker, int flags) {
    try {
      ThreadState s = STATE.get();
      if (s.depth > 0) {
        s.depth++; // a condition wait re-acquiring its lock: part of the wait already open
        return s;
      }
      return begin(s, blocker, false, flags, null);
    } catch (Throwable t) {
      failed("wait", t);
      return null;
    }
  }

  /** A condition wait, by the {@code await*} method called. */
  @DontInline // see finish
  public static ThreadState awaitBegin(Object condition, String method) {
    try {
      ThreadState s = STATE.get();
      if (s.depth > 0) {
        s.depth++;
        return s;
      }
      return begin(s, condition, false, 0, method);
    } catch (Throwable t) {
      failed("wait", t);
      return null;
    }
  }

  /**
   * Exit of the primitive whose {@link #waitBegin} returned {@code s}. {@code result}: positive
   * when it went through, 0 when it timed out, negative when interrupted.
   */
  @DontInline // see finish
  public static void waitEnd(ThreadState s, int result) {
    try {
      if (--s.depth > 0) {
        return;
      }
      s.endNanos = System.nanoTime();
      if (s.standalone) {
        finish(
            s,
            s.waitOp,
            result < 0 ? Outcome.INTERRUPTED : (result == 0 ? Outcome.TIMEOUT : Outcome.OK));
      } else if (result < 0) {
        // An operation's lock or condition wait that was interrupted: the method throws
        // InterruptedException from here, and the exit advice of the lock-based queues does not
        // see exceptions.
        finish(s, s.waitOp, Outcome.INTERRUPTED);
      } else if (s.open && !s.awaitingExit) {
        s.awaitingExit = true;
        AWAITING_EXIT.add(s.exitStripe, 1);
      }
    } catch (Throwable t) {
      failed("wait", t);
    }
  }

  /**
   * {@code LockSupport.setCurrentBlocker}: rendezvous queues announce the start of a park with a
   * blocker and its end with null.
   */
  @DontInline // see finish
  public static void currentBlocker(Object blocker) {
    try {
      ThreadState s = STATE.get();
      if (blocker == null) {
        if (s.transferSegment) {
          s.transferSegment = false;
          waitEnd(s, 1);
        }
        return;
      }
      if (s.depth == 0) {
        if (begin(s, blocker, true, 0, null) != null) {
          s.transferSegment = true; // a rendezvous queue's wait: walked at its end (see preWalk)
        }
      } else if (s.open && s.depth == 1) {
        preWalk(s); // a condition wait's announcement: the lock is released, the park follows
      }
    } catch (Throwable t) {
      failed("wait", t);
    }
  }

  /** Entry of {@code LockSupport.park(blocker)}/{@code parkNanos(blocker, n)}; pairs with {@link #waitEnd}. */
  @DontInline // see finish
  public static ThreadState parkBegin(Object blocker) {
    try {
      if (blocker == null) {
        return null;
      }
      ThreadState s = STATE.get();
      if (s.depth == 0) {
        ThreadState opened = begin(s, blocker, true, 0, null);
        if (opened != null) {
          preWalk(opened);
        }
        return opened;
      }
      if (s.open && s.depth == 1) {
        preWalk(s); // a lock's or a condition's park, not a park nested in the wait (depth > 1)
      }
      return null;
    } catch (Throwable t) {
      failed("wait", t);
      return null;
    }
  }

  /**
   * About to park inside the open wait of {@code s} on a lock, semaphore, condition or other
   * synchronizer: when this thread's last wait on the same resource lasted the stack threshold,
   * walks the stack now, once a wait, and {@link #finish} uses it if this wait lasts the threshold
   * too. Walked at the end, a lock wait's walk runs while the thread holds the lock, and a fair
   * lock's other threads all wait for it; here the lock is another thread's. It is the same stack
   * (the frames of the wait itself are skipped), so the same hash. A wait that ends short of the
   * threshold has walked for nothing: at most one walk per wait that parks, and only after a long
   * one on the same resource. Queue waits walk at their end, where the queue's lock is released
   * already (the exit advice runs after the method's unlock) or there is none (a rendezvous): a
   * walk before their park would save no one any time, and in a busy program two in three of them
   * are wasted (benchmarks/churn-program.md).
   */
  private static void preWalk(ThreadState s) {
    if (s.lockMode == null || s.preStack != null || !s.lastWaitWasLong(s.waitToken) || s.busy
        || s.rehearsal != null || recorder == null) {
      return;
    }
    s.busy = true;
    try {
      s.preStack = Frames.waitingStack(settings.stackDepth);
    } finally {
      s.busy = false;
    }
  }

  private static ThreadState begin(
      ThreadState s, Object blocker, boolean transferOnly, int flags, String method) {
    if (s.busy || s.ignored || s.future != null) {
      return null; // a future's wait parks on (or awaits) things of its own: it counts once
    }
    Registration r = Resources.waitingOn(blocker, s.opQueue);
    if (r == null) {
      return null;
    }
    if (transferOnly != (r.role == Registration.TRANSFER)) {
      return null;
    }
    long now = System.nanoTime();
    // this park is the marked call of an operation on the same resource
    boolean marked = s.opQueue != null && isResource(s.opLookup, s.opQueue, r.token);
    if (s.open && s.waitToken != r.token) {
      if (!s.awaitingExit || (s.opQueue != null && !marked)) {
        return null; // another resource's park inside an operation that still runs
      }
      // Application code between a park and the operation's exit (a PriorityBlockingQueue's
      // compareTo, a Delayed's getDelay) waits on something else: the operation's wait is over.
      finish(s, s.waitOp, Outcome.OK);
    }
    if (s.open) {
      // the same operation parks again: another round of its wait loop, or LinkedBlockingQueue's
      // other lock when it signals
      if (marked && s.waitOp == Ops.UNKNOWN) {
        s.waitOp = Ops.name(s.opQueue, s.opMethod); // it waited for the lock first
      }
      addRole(s, r, s.waitOp);
      if (marked) {
        s.waitQueue = s.opQueue;
      }
      s.depth = 1;
      return s;
    }
    if (marked) {
      open(s, r, Ops.name(s.opQueue, s.opMethod), now, false, initialState(r));
      addRole(s, r, s.waitOp);
      s.waitQueue = s.opQueue;
    } else if (r.name.kind == ResourceName.Kind.QUEUE
        && r.role == Registration.LOCK
        && ((flags & LockOps.INTERRUPTIBLE) != 0 || s.lockInOp)) {
      // A blocking method waits for the queue's lock (the JDK's blocking methods take it
      // interruptibly, the others with lock()): its exit names and closes the wait, or a wait for
      // space or an element continues it.
      open(s, r, Ops.UNKNOWN, now, false, QueueState.CONTENDED);
      addRole(s, r, Ops.UNKNOWN);
    } else if (r.name.kind == ResourceName.Kind.LOCK && r.role != Registration.LOCK) {
      // a lock, semaphore, latch or condition waited on directly: the wait is the call itself
      String type = r.name.type;
      String op = method != null ? Ops.snake(method) : LockOps.operation(type, flags);
      String mode = method != null ? LockOps.EXCLUSIVE : LockOps.mode(flags);
      open(s, r, op, now, true, mode);
      s.lockMode = mode;
    } else {
      open(s, r, Ops.UNKNOWN, now, true, initialState(r));
      addRole(s, r, Ops.UNKNOWN);
    }
    s.depth = 1;
    return s;
  }

  private static String initialState(Registration r) {
    return r.name.kind == ResourceName.Kind.LOCK ? r.defaultMode : QueueState.CONTENDED;
  }

  private static void open(
      ThreadState s, Registration r, String op, long now, boolean standalone, String state) {
    open(s, r.name, op, now, standalone, state);
    s.waitToken = r.token;
  }

  private static void open(
      ThreadState s, ResourceName name, String op, long now, boolean standalone, String state) {
    s.open = true;
    s.standalone = standalone;
    s.waitQueue = null;
    s.startNanos = now;
    s.endNanos = 0;
    s.role = -1;
    s.lockMode = null;
    s.waitOp = op;
    s.waitStartNanos = now;
    s.waitState = state;
    s.waitName = name; // last: publishes the fields above to the gauge collector
    if (s.rehearsal == null && !InProgressWaits.joined(s, name.kind)) {
      InProgressWaits.join(s, name.kind);
    }
  }

  /** A wait for space, an element or a partner outranks contention on the queue's lock. */
  private static void addRole(ThreadState s, Registration r, String op) {
    if (r.name.kind == ResourceName.Kind.LOCK) {
      s.lockMode = r.defaultMode; // a barrier's or phaser's parties wait together
      return;
    }
    byte role = r.role;
    if (role == Registration.LOCK || s.role == Registration.NOT_FULL || s.role == Registration.NOT_EMPTY) {
      if (s.role < 0) {
        s.role = role;
      }
      return;
    }
    if (role == Registration.TRANSFER) {
      role = Ops.isConsumer(op) ? Registration.NOT_EMPTY : Registration.NOT_FULL;
    }
    s.role = role;
    s.waitState = QueueState.of(role);
  }

  // Not inlined, nor are the entry points the advice calls on paths that wait (HotSpot honours
  // @DontInline in classes of the boot loader, where the core lives; elsewhere it is only an
  // annotation). The advice calls the wait path from inside the JDK's queue and lock methods, and
  // C2 inlined all of it, the stack walk and the recording included, into each of them
  // (ArrayBlockingQueue.put: 6.6 KB of bytecode, a 41 KB method; about two seconds of the only C2
  // thread of a 2-CPU machine whose CPUs the application keeps busy; benchmarks/churn-compilation.sh
  // lists such compilations). Those compilations queued up for seconds after start-up, and the
  // application ran its queues in C1 code meanwhile. Compiled once on its own, the wait path leaves the JDK's methods
  // as quick to compile as without the extension; a wait pays a call or two more.
  @DontInline
  private static void finish(ThreadState s, String op, String outcome) {
    ResourceName name = s.waitName;
    long start = s.startNanos;
    long end = s.endNanos != 0 ? s.endNanos : System.nanoTime();
    String state = s.lockMode != null ? s.lockMode : QueueState.of(s.role);
    s.waitName = null;
    s.waitOp = null;
    s.waitState = null;
    if (s.awaitingExit) {
      s.awaitingExit = false;
      AWAITING_EXIT.add(s.exitStripe, -1);
    }
    int token = s.waitToken;
    s.waitToken = 0;
    s.waitQueue = null;
    s.open = false;
    s.standalone = false;
    s.depth = 0;
    s.transferSegment = false;
    Frames.StackInfo walked = s.preStack;
    s.preStack = null;
    Recorder r = s.rehearsal != null ? s.rehearsal : recorder;
    if (r == null || name == null) {
      return;
    }
    long duration = Math.max(0, end - start);
    Settings cfg = settings;
    s.waitEnded(token, duration >= cfg.stackThresholdNanos);
    s.busy = true;
    try {
      Frames.StackInfo stack = null;
      boolean first = false;
      if (duration >= cfg.stackThresholdNanos) {
        stack = walked != null ? walked : Frames.waitingStack(cfg.stackDepth);
        if (stack != null) {
          StackTable.Seen seen = StackTable.see(stack.hash);
          first = seen == StackTable.Seen.FIRST;
          if (seen == StackTable.Seen.OVERFLOW) {
            stack = null;
          }
        }
      }
      Thread t = Thread.currentThread(); // finish runs on the waiting thread
      record(
          r,
          new WaitEvent(
              name, op, state, outcome, start, duration, stack, first, t, t.getName(), threadId(t), true));
    } catch (Throwable t) {
      failed("record", t);
    } finally {
      s.busy = false;
    }
  }

  /** The recording (attributes, the SDK's histogram, a span event): compiled once, on its own. */
  @DontInline
  private static void record(Recorder r, WaitEvent e) {
    r.record(e);
  }

  @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same value
  private static long threadId(Thread t) {
    return t.getId();
  }

  /**
   * Records a wait observed after the fact by another thread (a JFR monitor-enter event): it
   * never adds a span event, and its stack comes with it. Same naming, stack table and recorder
   * as every other wait.
   */
  public static void recordObserved(
      ResourceName name,
      String operation,
      String state,
      String outcome,
      long durationNanos,
      java.util.List<String> stackFrames,
      String threadName,
      long threadId) {
    Recorder r = recorder;
    if (r == null) {
      return;
    }
    ThreadState s = STATE.get();
    if (s.busy) {
      return;
    }
    s.busy = true;
    try {
      Frames.StackInfo stack = null;
      boolean first = false;
      if (durationNanos >= settings.stackThresholdNanos && !stackFrames.isEmpty()) {
        int depth = Math.min(settings.stackDepth, stackFrames.size());
        stack = Frames.StackInfo.of(stackFrames.subList(0, depth));
        StackTable.Seen seen = StackTable.see(stack.hash);
        first = seen == StackTable.Seen.FIRST;
        if (seen == StackTable.Seen.OVERFLOW) {
          stack = null;
        }
      }
      long start = System.nanoTime() - durationNanos;
      record(
          r,
          new WaitEvent(
              name, operation, state, outcome, start, durationNanos, stack, first, null,
              threadName, threadId, false));
    } catch (Throwable t) {
      failed("record", t);
    } finally {
      s.busy = false;
    }
  }

  private static void failed(String where, Throwable t) {
    Log.once("failure." + where, "internal error in blocked-time (" + where + "); the application is not affected", t);
  }

  /** {@code jvm.blocked.outcome} values. */
  public static final class Outcome {
    public static final String OK = "ok";
    public static final String TIMEOUT = "timeout";
    public static final String INTERRUPTED = "interrupted";

    private Outcome() {}

    /**
     * A timed variant that gave up is a timeout; an interrupt, or a barrier broken because
     * another party was interrupted or gave up, is an interruption.
     */
    static String of(Throwable thrown, boolean gaveUp) {
      if (thrown == null) {
        return gaveUp ? TIMEOUT : OK;
      }
      String name = thrown.getClass().getName();
      if (name.equals("java.util.concurrent.TimeoutException")) {
        return TIMEOUT;
      }
      if (thrown instanceof InterruptedException
          || name.equals("java.util.concurrent.BrokenBarrierException")) {
        return INTERRUPTED;
      }
      return OK;
    }
  }

  /** {@code jvm.queue.state} values. */
  public static final class QueueState {
    public static final String FULL = "full";
    public static final String EMPTY = "empty";
    public static final String CONTENDED = "contended";

    private QueueState() {}

    static String of(byte role) {
      switch (role) {
        case Registration.NOT_FULL:
          return FULL;
        case Registration.NOT_EMPTY:
          return EMPTY;
        default:
          return CONTENDED;
      }
    }
  }
}
