package dev.blockedtime.bootstrap;

import jdk.internal.vm.annotation.DontInline;

/**
 * Where application code builds a resource. The extension rewrites each application class once,
 * when it loads: right after every {@code new} of a covered {@code java.util.concurrent} type, every
 * {@code Executors.new*} call and every {@code newCondition()} call, it adds a call to one of these
 * methods with the object just built and the number of the call site ({@code class.method:line}
 * and the type it builds, numbered by {@link Resources#siteId} as the class is rewritten) as a
 * constant.
 *
 * <p>So a resource is named without looking at the stack: the allocation site is a fact about the
 * application's code, learned when its class loads. What these methods cost is one identity hash
 * and two array stores (see {@link Registry}).
 *
 * <p>Not inlined: C2 inlined the registration (the registry's and the resource's fields read
 * through VarHandles) into the application's method at every call site, so a method that builds
 * eight kinds of resource compiled to 15-29 KB of code where the calls leave 11-13 KB (7 KB under
 * the agent alone), once in a compilation that held the only C2 thread of a 2-CPU machine for
 * seconds (ChurnProgram.use on JDK 25, benchmarks/churn-compilation.sh). The call costs a
 * construction nothing measurable (benchmarks/results/construction-sites-ab).
 *
 * <p>Called from application code on any thread: every method catches everything.
 */
public final class Sites {
  private Sites() {}

  /** After {@code new T(...)} of a covered queue type {@code type}, or of a {@code CyclicBarrier}. */
  @DontInline
  public static void composite(Object resource, int site) {
    try {
      Resources.registerComposite(resource, site);
    } catch (Throwable t) {
      failed(t);
    }
  }

  /** After {@code new T(...)} of a lock, semaphore, latch, stamped lock or phaser of {@code type}. */
  @DontInline
  public static void lock(Object lock, int site) {
    try {
      Resources.registerLockObject(lock, site);
    } catch (Throwable t) {
      failed(t);
    }
  }

  /** After a {@code newCondition()} call: the result, if it is a JDK condition, is a resource. */
  @DontInline
  public static void condition(Object condition, int site) {
    try {
      if (condition != null) {
        Resources.registerCondition(condition, site);
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  /**
   * After an {@code Executors.new*} call: the pool it built, and what that pool waits on, are
   * named here. A timed pool's work queue is registered with the pool's record, at its first task
   * (the queue's waits are its workers', and it has none before): building such a pool costs one
   * registration.
   */
  @DontInline
  public static void executor(Object executor, int site) {
    try {
      if (executor != null && !ExecutorTasks.built(Blockers.unwrapExecutor(executor), site)) {
        Resources.registerExecutor(executor, site);
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  /** After {@code new T(...)} of a {@code ThreadPoolExecutor}, {@code ScheduledThreadPoolExecutor} or {@code ForkJoinPool}. */
  @DontInline
  public static void pool(Object pool, int site) {
    try {
      ExecutorTasks.built(pool, site);
    } catch (Throwable t) {
      failed(t);
    }
  }

  private static void failed(Throwable t) {
    Log.once("failure.site", "internal error in blocked-time (naming); the application is not affected", t);
  }
}
