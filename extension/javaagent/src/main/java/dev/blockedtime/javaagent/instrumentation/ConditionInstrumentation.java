package dev.blockedtime.javaagent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.ThreadState;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Condition waits: a call of {@code await*} always waits (for a signal, or a timeout). The
 * application's conditions are named where it calls {@code newCondition()} ({@link
 * AllocationSites}).
 */
final class ConditionInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return namedOneOf(
        "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject",
        "java.util.concurrent.locks.AbstractQueuedLongSynchronizer$ConditionObject");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        isPublic().and(namedOneOf("await", "awaitNanos", "awaitUntil", "awaitUninterruptibly")),
        ConditionInstrumentation.class.getName() + "$AwaitAdvice");
  }

  @SuppressWarnings("unused")
  public static class AwaitAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(
        @Advice.This Object condition, @Advice.Origin("#m") String method) {
      return BlockedTime.awaitBegin(condition, method);
    }

    /**
     * Boxing the result is fine here: a condition wait has parked. {@code awaitNanos} times out
     * with a result of at most 0, the boolean forms with false.
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter ThreadState state,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      if (state != null) {
        int outcome = 1;
        if (thrown != null) {
          outcome = -1;
        } else if (result instanceof Long) {
          outcome = ((Long) result) > 0 ? 1 : 0;
        } else if (result instanceof Boolean) {
          outcome = ((Boolean) result) ? 1 : 0;
        }
        BlockedTime.waitEnd(state, outcome);
      }
    }
  }
}
