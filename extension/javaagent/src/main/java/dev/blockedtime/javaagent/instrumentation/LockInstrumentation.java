package dev.blockedtime.javaagent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.LockOps;
import dev.blockedtime.bootstrap.ThreadState;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Locks and synchronizers. The application's {@code new T(...)} is named at its call site ({@link
 * AllocationSites}); constructors name only application subclasses. The waits
 * themselves are seen by {@link SynchronizerInstrumentation} (everything built on
 * AbstractQueuedSynchronizer) and, here, by the private slow paths of {@code StampedLock} and
 * {@code Phaser}, and by the blocking methods of {@code CyclicBarrier} and {@code Phaser}, which
 * mark the operation so that its internal lock and condition waits count once.
 */
final class LockInstrumentation implements TypeInstrumentation {
  private final String className;

  LockInstrumentation(String className) {
    this.className = className;
  }

  /** The lock classes covered. */
  static final String[] CLASSES = {
    "java.util.concurrent.locks.ReentrantLock",
    "java.util.concurrent.locks.ReentrantReadWriteLock",
    "java.util.concurrent.Semaphore",
    "java.util.concurrent.CountDownLatch",
    "java.util.concurrent.locks.StampedLock",
    "java.util.concurrent.CyclicBarrier",
    "java.util.concurrent.Phaser",
  };

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named(className);
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String self = LockInstrumentation.class.getName();
    switch (className) {
      case "java.util.concurrent.locks.StampedLock":
        transformer.applyAdviceToMethod(isConstructor(), self + "$SelfConstructorAdvice");
        transformer.applyAdviceToMethod(
            namedOneOf("acquireWrite", "acquireRead").and(takesArguments(3)),
            self + "$StampedAcquireAdvice");
        break;
      case "java.util.concurrent.Phaser":
        transformer.applyAdviceToMethod(isConstructor(), self + "$SelfConstructorAdvice");
        transformer.applyAdviceToMethod(
            isPublic().and(namedOneOf("arriveAndAwaitAdvance", "awaitAdvance", "awaitAdvanceInterruptibly")),
            self + "$OperationAdvice");
        transformer.applyAdviceToMethod(
            named("internalAwaitAdvance").and(takesArguments(2)), self + "$PartiesWaitAdvice");
        break;
      case "java.util.concurrent.CyclicBarrier":
        transformer.applyAdviceToMethod(
            isConstructor(), QueueInstrumentation.class.getName() + "$ConstructorAdvice");
        transformer.applyAdviceToMethod(isPublic().and(named("await")), self + "$OperationAdvice");
        break;
      default:
        transformer.applyAdviceToMethod(isConstructor(), self + "$SyncConstructorAdvice");
    }
  }

  /**
   * ReentrantLock, ReentrantReadWriteLock, Semaphore, CountDownLatch: waits park on {@code sync}.
   * Only an application subclass is named here (see {@link QueueInstrumentation.ConstructorAdvice}).
   */
  @SuppressWarnings("unused")
  public static class SyncConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.This Object lock,
        @Advice.FieldValue("sync") Object sync,
        @Advice.Origin Class<?> type) {
      if (lock.getClass() != type && lock.getClass().getClassLoader() != null) {
        BlockedTime.lockCreated(lock, sync, type.getSimpleName());
      }
    }
  }

  /** StampedLock, Phaser: waits are on the object itself. Only an application subclass is named here. */
  @SuppressWarnings("unused")
  public static class SelfConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object lock, @Advice.Origin Class<?> type) {
      if (lock.getClass() != type && lock.getClass().getClassLoader() != null) {
        BlockedTime.lockCreated(lock, lock, type.getSimpleName());
      }
    }
  }

  /**
   * {@code StampedLock.acquireWrite/acquireRead(interruptible, timed, deadline)}: reached only
   * when the fast path failed. Returns a stamp, 0 on timeout, 1 ({@code INTERRUPTED}) when
   * interrupted.
   */
  @SuppressWarnings("unused")
  public static class StampedAcquireAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(
        @Advice.This Object lock,
        @Advice.Origin("#m") String method,
        @Advice.Argument(0) boolean interruptible,
        @Advice.Argument(1) boolean timed) {
      int flags = LockOps.flags(!method.equals("acquireWrite"), interruptible, timed);
      if (method.equals("acquireWrite")) {
        flags |= LockOps.WRITE;
      }
      return BlockedTime.waitBegin(lock, flags);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter ThreadState state,
        @Advice.Return long stamp,
        @Advice.Thrown Throwable thrown) {
      if (state != null) {
        BlockedTime.waitEnd(state, thrown != null || stamp == 1L ? -1 : (stamp == 0L ? 0 : 1));
      }
    }
  }

  /** {@code Phaser.internalAwaitAdvance}: parties spin, then park, until the phase advances. */
  @SuppressWarnings("unused")
  public static class PartiesWaitAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(@Advice.This Object phaser) {
      return BlockedTime.waitBegin(phaser, 0);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter ThreadState state) {
      if (state != null) {
        BlockedTime.waitEnd(state, 1);
      }
    }
  }

  /** Blocking methods of barriers and phasers: timeouts and interrupts arrive as exceptions. */
  @SuppressWarnings("unused")
  public static class OperationAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(@Advice.This Object resource, @Advice.Origin("#m") String method) {
      return BlockedTime.opEnter(resource, method);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter ThreadState state, @Advice.Thrown Throwable thrown) {
      if (state != null) {
        BlockedTime.opExit(state, thrown, false);
      }
    }
  }
}
