package dev.blockedtime.javaagent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.returns;
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
 * The synchronizer's slow acquire, {@code AbstractQueuedSynchronizer.acquire(Node, int, boolean,
 * boolean, boolean, long)} on JDK 17 and 25 (and its {@code long} twin in
 * AbstractQueuedLongSynchronizer, which JDK 25's ReentrantReadWriteLock uses): every lock, semaphore and latch reaches it only after
 * its fast path failed, so an acquire that succeeds at once never gets here.
 */
final class SynchronizerInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    // JDK 25's ReentrantReadWriteLock is built on the long variant
    return namedOneOf(
        "java.util.concurrent.locks.AbstractQueuedSynchronizer",
        "java.util.concurrent.locks.AbstractQueuedLongSynchronizer");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("acquire").and(takesArguments(6)).and(returns(int.class)),
        SynchronizerInstrumentation.class.getName() + "$AcquireAdvice");
  }

  @SuppressWarnings("unused")
  public static class AcquireAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(
        @Advice.This Object synchronizer,
        @Advice.Argument(2) boolean shared,
        @Advice.Argument(3) boolean interruptible,
        @Advice.Argument(4) boolean timed) {
      return BlockedTime.waitBegin(synchronizer, LockOps.flags(shared, interruptible, timed));
    }

    /** acquire returns a positive value when acquired, 0 on timeout, negative when interrupted. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter ThreadState state,
        @Advice.Return int result,
        @Advice.Thrown Throwable thrown) {
      if (state != null) {
        BlockedTime.waitEnd(state, thrown != null ? -1 : result);
      }
    }
  }
}
