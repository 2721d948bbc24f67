package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Delayed;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The entry points that advice inlined into the JDK's executors calls: a task's queued time, from
 * its submission (or, for a scheduled task, from when it fell due) to the start of its run.
 *
 * <p>How the submit time travels with a task, filled on the submitting thread just before the
 * pool takes the task and emptied on the thread that starts it: the pool's own {@link TaskRing},
 * in submission order (a thread pool's tasks, and what a fork/join pool's {@code execute}, {@code
 * submit} and {@code CompletableFuture}'s {@code *Async} wrap in the JDK's own task types); else
 * (more than its ring holds, a task started far out of order, an application's {@code
 * ForkJoinTask} submitted from outside) {@link QueuedTasks}, a table keyed by the task's identity. The
 * application's task objects are what the pool holds, so {@code getQueue()}, {@code remove(task)}
 * and {@code shutdownNow()} see only them. A scheduled pool's tasks carry their due time
 * themselves ({@code ScheduledFutureTask.time}): for them the table holds only the submitter's
 * context, for the span event of their first run.
 *
 * <p>Which pools: those the application built, remembered where they were built ({@link #built},
 * by identity in the registry, no reference) and given a record at their first task ({@link
 * #recordOf}). The agent's and the JDK's own pools, and those built before the agent, cost two
 * failed lookups when a thread meets one, and a reference compare per task while it keeps to it
 * ({@link #cachedRecordOf}).
 *
 * <p>Cost model, per task of a thread pool: a lookup of the pool's record (its identity hash, a
 * slot of a shared table and a reference compare: {@link #threadPoolRecordOf}) and a clock read when
 * submitted, a getAndAdd and a CAS in its ring; a lookup, a clock read and a CAS when started, and
 * one histogram point. A fork/join submission wrapped by the JDK pays the same in its pool's ring
 * (a read instead of the start's CAS when it carries its slot: {@link TaskRing#claimAt});
 * an application's {@code ForkJoinTask} submitted from outside pays an identity hash and the table
 * instead, and a global counter. Tasks that a fork/join pool's own workers fork pay a few class
 * compares and one read of that counter when they run, and a table lookup only while such
 * submissions wait in some pool; the JDK's wrappers that they submit to it read their tag
 * ({@link #carriesItsSlot}), or search the ring when the application holds them.
 *
 * <p>Every method here catches everything: advice must never throw into the application.
 */
public final class ExecutorTasks {
  /** Entries older than this are checked against their pool's queue by the gauge collection. */
  static final long STALE_NANOS = 10_000_000_000L;
  /** The stamp of a scheduled task's entry: its due time is in the task itself. */
  private static final long DUE_TIME_IN_TASK = Long.MIN_VALUE;

  private static final WeakIdentityTable<ExecutorRecord> EXECUTORS = new WeakIdentityTable<>();
  private static final Set<ExecutorRecord> SCHEDULED = ConcurrentHashMap.newKeySet();
  private static final ThreadLocal<ExecutorRecord[]> LAST_RECORD =
      ThreadLocal.withInitial(() -> new ExecutorRecord[1]);
  // Thread pools' records by identity hash, direct-mapped (see threadPoolRecordOf)
  private static final int POOL_SLOTS = 64;
  private static final ExecutorRecord[] POOL_RECORDS = new ExecutorRecord[POOL_SLOTS];
  private static final Object SNAPSHOT_LOCK = new Object();

  private static volatile QueuedTasks tasks;
  private static volatile TaskRecorder recorder;

  // External fork/join submissions waiting in the table to start, in every pool: while 0, a task
  // that runs in a fork/join pool and is not one of the JDK's submission wrappers skips the table.
  // Read plainly (a thread sees its own updates in order, and the pool's hand-off orders the
  // submitter's before the start).
  private static final PaddedCounter FORK_JOIN_QUEUED = new PaddedCounter();

  // ThreadPoolExecutor.beforeExecute, which the start hook calls in place of runWorker's own call;
  // ScheduledFutureTask.time, a scheduled task's due time.
  private static final MethodHandle BEFORE_EXECUTE;
  private static final VarHandle DUE_TIME;
  private static final Class<?> SCHEDULED_TASK;
  private static volatile MethodHandle agentUnwrap;

  // The JDK's wrappers for what is handed to a fork/join pool as a Runnable or Callable (execute,
  // submit, CompletableFuture's *Async), null where a JDK lacks one. Workers push them only when
  // a task submits to its own pool; the tasks workers fork to compute are the application's (or a
  // stream's), so these go to the pool's ring and everything else to the table.
  private static final Class<?> RUNNABLE_EXECUTE_ACTION =
      jdkClass("java.util.concurrent.ForkJoinTask$RunnableExecuteAction");
  private static final Class<?> ADAPTED_RUNNABLE =
      jdkClass("java.util.concurrent.ForkJoinTask$AdaptedRunnable");
  private static final Class<?> ADAPTED_RUNNABLE_ACTION =
      jdkClass("java.util.concurrent.ForkJoinTask$AdaptedRunnableAction");
  private static final Class<?> ADAPTED_CALLABLE =
      jdkClass("java.util.concurrent.ForkJoinTask$AdaptedCallable");
  private static final Class<?> ADAPTED_INTERRUPTIBLE_CALLABLE =
      jdkClass("java.util.concurrent.ForkJoinTask$AdaptedInterruptibleCallable");
  private static final Class<?> ADAPTED_INTERRUPTIBLE_RUNNABLE =
      jdkClass("java.util.concurrent.ForkJoinTask$AdaptedInterruptibleRunnable");
  private static final Class<?> ASYNC_SUPPLY =
      jdkClass("java.util.concurrent.CompletableFuture$AsyncSupply");
  private static final Class<?> ASYNC_RUN = jdkClass("java.util.concurrent.CompletableFuture$AsyncRun");

  // ForkJoinTask.status, whose low 16 bits are the task's tag: the JDK never tags the wrappers the
  // application never holds (execute's, and CompletableFuture's *Async), so such a wrapper that
  // went to its pool's ring carries its slot there as its tag (slot + 1; 0: never in a ring, an
  // internal submission, which the worker then does not look for). Null where it cannot be
  // reached: those wrappers are then looked for as the others are.
  private static final VarHandle TASK_STATUS = forkJoinTaskStatus();
  private static final int TAG_BITS = 0xffff;

  static {
    MethodHandle before = null;
    VarHandle due = null;
    Class<?> scheduledTask = null;
    try {
      before =
          MethodHandles.privateLookupIn(ThreadPoolExecutor.class, MethodHandles.lookup())
              .findVirtual(
                  ThreadPoolExecutor.class,
                  "beforeExecute",
                  MethodType.methodType(void.class, Thread.class, Runnable.class));
      scheduledTask =
          Class.forName("java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask");
      due =
          MethodHandles.privateLookupIn(scheduledTask, MethodHandles.lookup())
              .findVarHandle(scheduledTask, "time", long.class);
    } catch (Throwable t) {
      Log.once(
          "executors.internals",
          "cannot reach the internals of ThreadPoolExecutor on this JDK; executor tasks are not timed",
          t);
      before = null;
    }
    BEFORE_EXECUTE = before;
    DUE_TIME = due;
    SCHEDULED_TASK = scheduledTask;
  }

  private ExecutorTasks() {}

  private static VarHandle forkJoinTaskStatus() {
    try {
      return MethodHandles.privateLookupIn(ForkJoinTask.class, MethodHandles.lookup())
          .findVarHandle(ForkJoinTask.class, "status", int.class);
    } catch (Throwable t) {
      return null;
    }
  }

  private static Class<?> jdkClass(String name) {
    try {
      return Class.forName(name, false, null);
    } catch (Throwable t) {
      return null;
    }
  }

  /** Whether a fork/join task of class {@code c} is one of the JDK's submission wrappers. */
  static boolean isSubmissionWrapper(Class<?> c) {
    return c == RUNNABLE_EXECUTE_ACTION
        || c == ASYNC_SUPPLY
        || c == ADAPTED_CALLABLE
        || c == ADAPTED_INTERRUPTIBLE_CALLABLE
        || c == ADAPTED_INTERRUPTIBLE_RUNNABLE
        || c == ADAPTED_RUNNABLE
        || c == ADAPTED_RUNNABLE_ACTION
        || c == ASYNC_RUN;
  }

  /**
   * Whether a submission wrapper of class {@code c} carries its ring slot in its tag: one the
   * application never holds (those {@code submit} and {@code adapt} return are its to tag).
   */
  static boolean carriesItsSlot(Class<?> c) {
    return TASK_STATUS != null && (c == RUNNABLE_EXECUTE_ACTION || c == ASYNC_SUPPLY || c == ASYNC_RUN);
  }

  /**
   * Whether the internals the hooks rely on are there; the instrumentation installs nothing when
   * they are not (it replaces runWorker's call to {@code beforeExecute} with {@link
   * #beforeExecute}, which needs them to make that call itself).
   */
  public static boolean ready() {
    return BEFORE_EXECUTE != null && DUE_TIME != null;
  }

  /** Starts timing; called once, before any advice is installed. */
  public static void configure(Settings settings) {
    if (settings.executors && ready()) {
      tasks = new QueuedTasks();
    }
  }

  /**
   * Starts recording into {@code newRecorder} and registers the common pool (built when the JDK
   * first needed it, usually before the agent): its name is {@code common}.
   */
  public static void start(TaskRecorder newRecorder) {
    try {
      if (tasks == null) {
        return;
      }
      ForkJoinPool common = ForkJoinPool.commonPool();
      ResourceName name = ResourceName.of(ResourceName.Kind.EXECUTOR, "ForkJoinPool", "common");
      EXECUTORS.put(common, new ExecutorRecord(name, common, ExecutorRecord.FORK_JOIN));
      recorder = newRecorder;
    } catch (Throwable t) {
      failed("start", t);
    }
  }

  // ---------------------------------------------------------------- executors

  /**
   * After the application built {@code pool} at the site numbered {@code site}: a {@code new} of a
   * covered pool type, or an {@code Executors.new*} call (see {@link Sites}). Pools the JDK or the
   * agent build for themselves get no such call, so they are never timed. The pool gets its record
   * at its first task ({@link #recordOf}). Returns whether the pool will be timed.
   */
  static boolean built(Object pool, int site) {
    if (tasks != null && pool != null && typeOf(pool.getClass()) != null) {
      Resources.registerPool(pool, site);
      return true;
    }
    return false;
  }

  /**
   * Constructor exit of a {@code ThreadPoolExecutor}, {@code ScheduledThreadPoolExecutor} or {@code
   * ForkJoinPool}: only an application subclass is named here (by a stack walk, the rare fallback:
   * its {@code new} is not of a covered type, so no site call follows it). The JDK's own classes
   * return at once; their allocation sites name them.
   */
  public static void executorCreated(Object executor) {
    try {
      Class<?> cls = executor.getClass();
      if (tasks == null || cls.getClassLoader() == null || Resources.poolSite(executor) >= 0) {
        return; // off, a JDK class, or a delegating constructor registered it already
      }
      String type = typeOf(cls);
      int site = type == null ? -1 : Resources.subclassPoolSite(cls, type);
      if (site >= 0) {
        Resources.registerPool(executor, site);
      }
    } catch (Throwable t) {
      failed("register", t);
    }
  }

  /**
   * The record of a pool the application built, made at its first task (or first gauge look);
   * null for a pool that is not timed. A miss costs two lookups: the JDK's and the agent's pools
   * pay that per task, nothing more.
   */
  static ExecutorRecord recordOf(Object executor) {
    ExecutorRecord r = EXECUTORS.get(executor);
    if (r != null) {
      return r;
    }
    int site = Resources.poolSite(executor);
    String type = site < 0 ? null : typeOf(executor.getClass());
    ResourceName name = type == null ? null : Resources.executorName(site, type);
    if (name == null) {
      return null;
    }
    ExecutorRecord made = new ExecutorRecord(name, executor, ExecutorRecord.kindOf(type));
    r = EXECUTORS.putIfAbsent(executor, made);
    if (r == made) {
      // The work queue of a pool that Executors built: no worker can wait on it before this.
      Resources.registerWorkQueue(executor, site);
    }
    if (r.kind == ExecutorRecord.SCHEDULED) {
      SCHEDULED.add(r);
    }
    return r;
  }

  /**
   * {@link #recordOf}, through a one-entry cache per thread: a thread that submits tasks, or a
   * worker that starts them, nearly always deals with the same pool as last time. A hit compares
   * references only; the table would read the pool's identity hash from its header, a line the
   * pool's own threads keep changing. The cache holds the record (whose reference to the pool is
   * weak), never the pool: at most one record per thread outlives its pool until the thread
   * submits elsewhere. A pool that is not timed (the JDK's, such as the virtual threads'
   * scheduler, whose carriers start every continuation as a wrapped task, and the agent's) is
   * cached too, as a record without a name. The answer cannot change: a pool is registered when
   * it is built, before it can be given a task.
   */
  static ExecutorRecord cachedRecordOf(Object executor) {
    ExecutorRecord[] last = LAST_RECORD.get();
    ExecutorRecord r = last[0];
    if (r != null && r.executor.get() == executor) {
      return r.name != null ? r : null;
    }
    r = recordOf(executor);
    last[0] = r != null ? r : ExecutorRecord.notTimed(executor);
    return r;
  }

  /**
   * {@link #cachedRecordOf} for a {@code ThreadPoolExecutor}, through a small table shared by all
   * threads and indexed by the pool's identity hash: a thread-local lookup is several dependent
   * loads per task, and a thread pool's header, unlike a fork/join pool's (whose hot fields share
   * its line), is not written while it runs: reading the hash from it misses no cache.
   * A slot is written only while empty or its pool is gone: two pools that share one do not take
   * it from each other, and the second goes on through the thread's cache. As in that cache, a
   * slot holds the record (whose reference to the pool is weak), never the pool: at most one
   * record per slot outlives its pool, until another pool takes the slot.
   */
  static ExecutorRecord threadPoolRecordOf(ThreadPoolExecutor executor) {
    int i = System.identityHashCode(executor) & (POOL_SLOTS - 1);
    ExecutorRecord r = POOL_RECORDS[i];
    if (r != null && r.executor.refersTo(executor)) {
      return r.name != null ? r : null;
    }
    ExecutorRecord found = cachedRecordOf(executor);
    if (r == null || r.executor.refersTo(null)) {
      POOL_RECORDS[i] = found != null ? found : ExecutorRecord.notTimed(executor);
    }
    return found;
  }

  /** The nearest of the covered j.u.c classes that {@code cls} is or extends, or null. */
  static String typeOf(Class<?> cls) {
    for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
      if (c == ScheduledThreadPoolExecutor.class) {
        return "ScheduledThreadPoolExecutor";
      }
      if (c == ThreadPoolExecutor.class) {
        return "ThreadPoolExecutor";
      }
      if (c == ForkJoinPool.class) {
        return "ForkJoinPool";
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- submission

  /**
   * Entry of an external push to a {@code ForkJoinPool} ({@code externalPush} on JDK 17, a push
   * from outside on JDK 25): {@code task} is about to be handed to {@code executor}. Any pool
   * works here; a thread pool's {@code execute} comes through {@link #submittedToPool}.
   */
  public static void submitted(Object executor, Object task) {
    try {
      if (recorder != null && task != null) {
        submitted(cachedRecordOf(executor), task);
      }
    } catch (Throwable t) {
      failed("submit", t);
    }
  }

  /** Entry of {@code ThreadPoolExecutor.execute}: {@link #submitted}, by the pools' own table. */
  public static void submittedToPool(ThreadPoolExecutor executor, Object task) {
    try {
      if (recorder != null && task != null) {
        submitted(threadPoolRecordOf(executor), task);
      }
    } catch (Throwable t) {
      failed("submit", t);
    }
  }

  private static void submitted(ExecutorRecord r, Object task) {
    TaskRecorder rec = recorder;
    if (rec == null || r == null) {
      return;
    }
    long now = System.nanoTime();
    Object context = rec.currentContext();
    Class<?> cls = task.getClass();
    TaskRing ring =
        r.kind == ExecutorRecord.THREAD_POOL || isSubmissionWrapper(cls)
            ? r.ringForSubmission()
            : null;
    int slot = ring == null ? -1 : ring.put(task, now, context);
    if (slot >= 0) {
      if (r.kind == ExecutorRecord.FORK_JOIN && carriesItsSlot(cls)) {
        // A plain write: no other thread holds the task before the pool publishes it.
        int status = (int) TASK_STATUS.get(task);
        TASK_STATUS.set(task, (status & ~TAG_BITS) | (slot + 1));
      }
      return;
    }
    tasks.put(task, r, now, context);
    if (r.kind == ExecutorRecord.FORK_JOIN) {
      FORK_JOIN_QUEUED.add(1);
    }
  }

  /**
   * Entry of {@code ScheduledThreadPoolExecutor.delayedExecute}: a scheduled task (its due time is
   * in the task) is about to be queued. Only the submitter's context is kept, for its first run.
   */
  public static void scheduled(Object executor, Object task) {
    try {
      TaskRecorder rec = recorder;
      if (rec == null || task == null) {
        return;
      }
      Object context = rec.currentContext();
      if (context == null) {
        return;
      }
      ExecutorRecord r = recordOf(executor);
      if (r != null) {
        tasks.put(task, r, DUE_TIME_IN_TASK, context);
      }
    } catch (Throwable t) {
      failed("submit", t);
    }
  }

  /**
   * {@code task} was not queued after all, or left the queue without starting: rejected ({@code
   * ThreadPoolExecutor.reject}, a push that threw), removed ({@code remove(task)}), or handed back
   * by {@code shutdownNow()}. It records nothing.
   */
  public static void dropped(Object task) {
    try {
      QueuedTasks t = tasks;
      if (t == null || recorder == null || task == null) {
        return;
      }
      int n = t.forget(task);
      if (n == 0) {
        Object inner = unwrapAgentWrapper(task);
        if (inner != null) {
          n = t.forget(inner);
        }
      }
      if (n > 0 && task instanceof ForkJoinTask) {
        FORK_JOIN_QUEUED.add(-n);
      }
    } catch (Throwable t) {
      failed("submit", t);
    }
  }

  /**
   * Entry of {@code ThreadPoolExecutor.reject}. With one of the JDK's policies the task will not
   * start from the queue (aborted, discarded, or run by the caller, which no worker times), so its
   * entry goes now; {@code DiscardOldestPolicy} then submits it again, with a new entry.
   */
  public static void rejecting(ThreadPoolExecutor executor, Object task) {
    try {
      if (recorder != null && isJdkPolicy(executor)) {
        dropped(executor, task);
      }
    } catch (Throwable t) {
      failed("submit", t);
    }
  }

  /**
   * Exit of {@code ThreadPoolExecutor.reject}. A handler of the application's may have put the task
   * in the queue after all (the usual way to make submitters wait for space, as the demo's intake
   * does): then it is still on its way to a worker and keeps its entry, stamped at submission.
   * Otherwise it will not start, and its entry goes. The queue is searched only here, on a
   * saturated pool with a handler of the application's.
   */
  public static void rejected(ThreadPoolExecutor executor, Object task, Throwable thrown) {
    try {
      if (recorder == null || isJdkPolicy(executor)) {
        return; // off, or dropped at entry
      }
      if (thrown == null && !executor.isShutdown() && executor.getQueue().contains(task)) {
        return;
      }
      dropped(executor, task);
    } catch (Throwable t) {
      failed("submit", t);
    }
  }

  private static boolean isJdkPolicy(ThreadPoolExecutor executor) {
    return executor.getRejectedExecutionHandler().getClass().getClassLoader() == null;
  }

  /** The same for a task of the thread pool {@code executor}: its ring is searched as well. */
  public static void dropped(Object executor, Object task) {
    try {
      if (tasks == null || recorder == null || task == null) {
        return;
      }
      ExecutorRecord r = EXECUTORS.get(executor); // a pool never used has nothing to drop
      TaskRing ring = r == null ? null : r.ring();
      if (ring != null && ring.forget(task) == 0) {
        Object inner = unwrapAgentWrapper(task);
        if (inner != null) {
          ring.forget(inner);
        }
      }
      dropped(task); // the table too: the same task object may have been submitted again
    } catch (Throwable t) {
      failed("submit", t);
    }
  }

  /** {@code shutdownNow()} of {@code executor} returned these tasks: they will not start. */
  public static void droppedAll(Object executor, List<?> returned) {
    if (returned == null || recorder == null) {
      return;
    }
    try {
      for (Object task : returned) {
        dropped(executor, task);
      }
    } catch (Throwable t) {
      failed("submit", t);
    }
  }

  // ---------------------------------------------------------------- start

  /**
   * Replaces {@code beforeExecute(wt, task)} in {@code ThreadPoolExecutor.runWorker}, the last
   * call before the task runs: records the task's queued time, then makes the call it replaces
   * (which may throw, as before).
   */
  public static void beforeExecute(ThreadPoolExecutor executor, Thread worker, Runnable task)
      throws Throwable {
    if (recorder != null) {
      poolTaskStarting(executor, task);
    }
    BEFORE_EXECUTE.invokeExact(executor, worker, task);
  }

  private static void poolTaskStarting(ThreadPoolExecutor executor, Runnable task) {
    try {
      QueuedTasks t = tasks;
      if (task == null || t == null) {
        return;
      }
      ExecutorRecord r = threadPoolRecordOf(executor);
      if (r == null) {
        return; // not timed: the JDK's or the agent's, or built before the agent
      }
      // The clock before the task: the submitter built the task on the other core, and the clock
      // read (an ordered TSC read) would wait for the miss on its header (see
      // startedFromForkJoinRing).
      long now = System.nanoTime();
      if (task.getClass() == SCHEDULED_TASK) {
        scheduledTaskStarting(t, r, task, now);
        return;
      }
      TaskRing ring = r.ring();
      if (ring != null && startedFromRing(r, ring, task, now)) {
        return;
      }
      if (!started(t, task, now)) {
        Object inner = unwrapAgentWrapper(task);
        if (inner != null) {
          started(t, inner, System.nanoTime());
        }
      }
    } catch (Throwable e) {
      failed("start", e);
    }
  }

  /**
   * A scheduled pool's task: its due time is in the task; its first run may have a context. Only
   * a timed pool's tasks come here: one that is not (the agent's metric reader runs on one) has no
   * entries ({@link #scheduled} puts none), and its tasks stop at its record.
   */
  private static void scheduledTaskStarting(QueuedTasks t, ExecutorRecord r, Object task, long now) {
    long due = (long) DUE_TIME.getVolatile(task);
    QueuedTasks.Entry e = t.take(task);
    if (!((Future<?>) task).isDone()) { // cancelled but left in the queue: it will not run
      record(r, due, now, e == null ? null : e.context);
    }
  }

  /**
   * Entry of {@code ForkJoinTask.doExec()}: a task starts in a fork/join pool (or on a thread that
   * helps it). Only external submissions were stamped: the JDK's wrappers are looked for in the
   * ring of the pool (a worker's, or the one this thread last submitted to: a submitter that runs
   * its own task while it waits for it); the tasks workers fork skip the table while no other
   * submission waits there.
   */
  public static void forkJoinStarting(ForkJoinTask<?> task) {
    try {
      Class<?> cls = task.getClass();
      if (isSubmissionWrapper(cls) && recorder != null && startedFromForkJoinRing(task, cls)) {
        return;
      }
      if (FORK_JOIN_QUEUED.get() == 0 || recorder == null) {
        return;
      }
      long now = System.nanoTime();
      QueuedTasks.Entry e = tasks.take(task);
      if (e == null) {
        return;
      }
      FORK_JOIN_QUEUED.add(-1);
      if (!task.isDone()) { // a cancelled task does not run
        record(e.owner, e.stamp, now, e.context);
      }
    } catch (Throwable e) {
      failed("start", e);
    }
  }

  /** A JDK wrapper starting: takes its entry from its pool's ring and records it, if it is there. */
  private static boolean startedFromForkJoinRing(ForkJoinTask<?> task, Class<?> cls) {
    boolean carriesItsSlot = carriesItsSlot(cls);
    int tag = carriesItsSlot ? task.getForkJoinTaskTag() & TAG_BITS : 0;
    if (carriesItsSlot && tag == 0) {
      return false; // submitted from inside its pool: never timed, not looked for
    }
    Thread t = Thread.currentThread();
    ExecutorRecord r =
        t instanceof ForkJoinWorkerThread
            ? cachedRecordOf(((ForkJoinWorkerThread) t).getPool())
            : LAST_RECORD.get()[0];
    TaskRing ring = r == null ? null : r.ring();
    if (ring == null) {
      return false;
    }
    // The clock before the ring: its read (an ordered TSC read in the vDSO) waits for the loads
    // before it to complete, and the slot, written by the submitter on the other core, is the one
    // that misses. Read after the claim, it took a quarter of the worker's time (jmh-profile-fjp).
    long now = System.nanoTime();
    int slot;
    if (carriesItsSlot) {
      slot = ring.claimAt(tag - 1, task); // not there: this thread runs another pool's task
    } else {
      slot = ring.claimNear(task);
      if (slot < 0) {
        slot = ring.claimAnywhere(task);
      }
    }
    if (slot < 0) {
      return false;
    }
    long stamp = ring.stamp(slot);
    Object context = ring.context(slot);
    ring.free(slot);
    if (!task.isDone()) { // a cancelled task does not run
      record(r, stamp, now, context);
    }
    return true;
  }

  /** Takes {@code task}'s entry from its pool's ring and records it; false when it has none there. */
  private static boolean startedFromRing(ExecutorRecord r, TaskRing ring, Runnable task, long now) {
    int slot = ring.claimNear(task);
    if (slot < 0) {
      // the agent's wrapper around a lambda submitted with a span current: the ring may hold
      // either, depending on the order of the agent's advice and ours
      Object inner = unwrapAgentWrapper(task);
      if (inner != null) {
        slot = ring.claimNear(inner);
      }
      if (slot < 0) {
        slot = ring.claimAnywhere(task);
      }
      if (slot < 0 && inner != null) {
        slot = ring.claimAnywhere(inner);
      }
      if (slot < 0) {
        return false;
      }
    }
    long stamp = ring.stamp(slot);
    Object context = ring.context(slot);
    ring.free(slot);
    if (!(task instanceof FutureTask) || !((FutureTask<?>) task).isDone()) {
      record(r, stamp, now, context);
    }
    return true;
  }

  /** Takes {@code task}'s entry and records it; false when it had none. */
  private static boolean started(QueuedTasks t, Object task, long now) {
    QueuedTasks.Entry e = t.take(task);
    if (e == null) {
      return false;
    }
    if (!(task instanceof FutureTask) || !((FutureTask<?>) task).isDone()) {
      record(e.owner, e.stamp, now, e.context);
    }
    return true;
  }

  private static void record(ExecutorRecord r, long since, long now, Object context) {
    TaskRecorder rec = recorder;
    if (rec == null || r == null) {
      return;
    }
    try {
      rec.queued(r.name, since, Math.max(0, now - since), context);
    } catch (Throwable t) {
      failed("record", t);
    }
  }

  /**
   * The agent wraps a lambda submitted with a span current in a {@code ContextPropagatingRunnable}
   * (the lambda's class cannot hold its context); depending on the order of the advice, the table
   * knows the lambda. Returns the wrapped task, or null when {@code task} is no such wrapper.
   */
  private static Object unwrapAgentWrapper(Object task) {
    Class<?> cls = task.getClass();
    if (!cls.getName().equals("io.opentelemetry.javaagent.bootstrap.executors.ContextPropagatingRunnable")) {
      return null;
    }
    try {
      MethodHandle unwrap = agentUnwrap;
      if (unwrap == null || unwrap.type().parameterType(0) != cls) {
        unwrap =
            MethodHandles.publicLookup()
                .findVirtual(cls, "unwrap", MethodType.methodType(Runnable.class))
                .asType(MethodType.methodType(Object.class, cls));
        agentUnwrap = unwrap;
      }
      return unwrap.invoke(cls.cast(task));
    } catch (Throwable t) {
      failed("unwrap", t);
      return null;
    }
  }

  // ---------------------------------------------------------------- gauges

  /** Tasks of one executor name waiting to start right now. */
  public static final class Group {
    public final ResourceName name;
    public int tasks;
    public long oldestNanos;

    Group(ResourceName name) {
      this.name = name;
    }
  }

  /**
   * The tasks waiting to start, per executor name, as seen at {@code nowNanos}: those submitted
   * and not started, and the due tasks of scheduled pools. Also drops entries that will never
   * start (their pool was collected, their future cancelled, or, checked once they are {@link
   * #STALE_NANOS} old, they are no longer in their pool's queue). For the gauge collector only.
   */
  public static List<Group> snapshot(long nowNanos) {
    QueuedTasks t = tasks;
    if (t == null) {
      return new ArrayList<>();
    }
    synchronized (SNAPSHOT_LOCK) {
      EXECUTORS.expungeStale(); // once per collection: the registry sheds collected executors
      Map<ResourceName, Group> groups = new IdentityHashMap<>();
      Map<Object, Set<Object>> queues = new IdentityHashMap<>(); // pool → its queue's tasks, lazily
      int[] forkJoinDropped = new int[1];
      t.forEach(
          new QueuedTasks.Visitor() {
            @Override
            public boolean visit(Object task, ExecutorRecord owner, long stamp) {
              Object executor = owner.executor.get();
              boolean live =
                  executor != null
                      && !(task instanceof FutureTask && ((FutureTask<?>) task).isDone())
                      && !(task instanceof ForkJoinTask && ((ForkJoinTask<?>) task).isDone());
              if (live
                  && stamp != DUE_TIME_IN_TASK
                  && owner.kind == ExecutorRecord.THREAD_POOL
                  && nowNanos - stamp > STALE_NANOS) {
                live = queued(queues, (ThreadPoolExecutor) executor).contains(task);
              }
              if (!live) {
                return false;
              }
              if (stamp != DUE_TIME_IN_TASK) {
                Group g = groups.computeIfAbsent(owner.name, Group::new);
                g.tasks++;
                g.oldestNanos = Math.max(g.oldestNanos, nowNanos - stamp);
              }
              return true;
            }

            @Override
            public void dropped(ExecutorRecord owner) {
              // only entries actually removed: one its task's start took meanwhile was counted
              // down there
              if (owner.kind == ExecutorRecord.FORK_JOIN) {
                forkJoinDropped[0]++;
              }
            }
          });
      if (forkJoinDropped[0] > 0) {
        FORK_JOIN_QUEUED.add(-forkJoinDropped[0]);
      }
      EXECUTORS.forEachLive(
          (executor, r) -> {
            TaskRing ring = r.ring();
            if (ring == null) {
              return;
            }
            ring.forEach(
                (task, stamp) -> {
                  if (task instanceof FutureTask && ((FutureTask<?>) task).isDone()) {
                    return false; // cancelled: its worker will skip it
                  }
                  if (task instanceof ForkJoinTask && ((ForkJoinTask<?>) task).isDone()) {
                    return false; // cancelled, or run where its start did not look in this ring
                  }
                  if (r.kind == ExecutorRecord.THREAD_POOL
                      && nowNanos - stamp > STALE_NANOS
                      && !queued(queues, (ThreadPoolExecutor) executor).contains(task)) {
                    return false; // left the queue behind the pool's back
                  }
                  Group g = groups.computeIfAbsent(r.name, Group::new);
                  g.tasks++;
                  g.oldestNanos = Math.max(g.oldestNanos, nowNanos - stamp);
                  return true;
                });
          });
      for (ExecutorRecord r : SCHEDULED) {
        Object executor = r.executor.get();
        if (executor == null) {
          SCHEDULED.remove(r);
          continue;
        }
        for (Object task : ((ScheduledThreadPoolExecutor) executor).getQueue()) {
          if (task instanceof Delayed) {
            long delay = ((Delayed) task).getDelay(TimeUnit.NANOSECONDS);
            if (delay <= 0) {
              Group g = groups.computeIfAbsent(r.name, Group::new);
              g.tasks++;
              g.oldestNanos = Math.max(g.oldestNanos, -delay);
            }
          }
        }
      }
      return new ArrayList<>(groups.values());
    }
  }

  private static Set<Object> queued(Map<Object, Set<Object>> queues, ThreadPoolExecutor executor) {
    return queues.computeIfAbsent(
        executor,
        e -> {
          Set<Object> set = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
          for (Object task : executor.getQueue().toArray()) {
            set.add(task);
            Object inner = unwrapAgentWrapper(task); // the entry may be the task it wraps
            if (inner != null) {
              set.add(inner);
            }
          }
          return set;
        });
  }

  /** For tests: whether {@code executor} has its record (it gets one at its first task). */
  static boolean hasRecord(Object executor) {
    return EXECUTORS.get(executor) != null;
  }

  private static void failed(String where, Throwable t) {
    Log.once(
        "failure.executors." + where,
        "internal error in blocked-time (executors, " + where + "); the application is not affected",
        t);
  }
}
