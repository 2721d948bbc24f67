package dev.blockedtime.javaagent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.hasParameters;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.whereAny;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.ThreadState;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import java.util.concurrent.TimeUnit;

/**
 * One blocking queue class: its constructors register the queue (the allocation site is on the
 * stack only then), and its blocking methods mark the thread as inside that operation, so that
 * the parks beneath become one wait named after the method. Non-blocking methods get no advice.
 */
final class QueueInstrumentation implements TypeInstrumentation {
  private final String className;

  QueueInstrumentation(String className) {
    this.className = className;
  }

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named(className);
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String advice = QueueInstrumentation.class.getName();
    transformer.applyAdviceToMethod(isConstructor(), advice + "$ConstructorAdvice");
    transformer.applyAdviceToMethod(
        isPublic()
            .and(
                namedOneOf("put", "putFirst", "putLast", "transfer")
                    .and(takesArguments(1))
                    .and(returns(void.class))
                    .or(namedOneOf("take", "takeFirst", "takeLast").and(takesArguments(0)))),
        advice + "$UntimedOperationAdvice");
    transformer.applyAdviceToMethod(
        isPublic()
            .and(namedOneOf("offer", "offerFirst", "offerLast", "tryTransfer"))
            .and(timed())
            .and(returns(boolean.class)),
        advice + "$BooleanOperationAdvice");
    transformer.applyAdviceToMethod(
        isPublic().and(namedOneOf("poll", "pollFirst", "pollLast")).and(timed()),
        advice + "$TimedPollAdvice");
  }

  /** Methods with a {@code TimeUnit} parameter: the timed variants, the only ones that wait. */
  private static ElementMatcher.Junction<MethodDescription> timed() {
    return hasParameters(
        whereAny(
            (ParameterDescription p) ->
                p.getType().asErasure().getName().equals("java.util.concurrent.TimeUnit")));
  }

  /**
   * Shared with {@link LockInstrumentation} for {@code CyclicBarrier}, also a composite. (No
   * {@code onThrowable}: ByteBuddy cannot catch around a constructor's super call; a constructor
   * that throws leaves nothing to register.)
   */
  @SuppressWarnings("unused")
  public static class ConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object resource, @Advice.Origin("#t") String type) {
      BlockedTime.compositeCreated(resource, type.substring(type.lastIndexOf('.') + 1));
    }
  }

  /** {@code put}, {@code take}, {@code transfer} and their deque variants: they never give up. */
  @SuppressWarnings("unused")
  public static class UntimedOperationAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(@Advice.This Object queue, @Advice.Origin("#m") String method) {
      return BlockedTime.opEnter(queue, method);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter ThreadState state, @Advice.Thrown Throwable thrown) {
      if (state != null) {
        BlockedTime.opExit(state, thrown, false);
      }
    }
  }

  /** The timed {@code offer}, its deque variants and the timed {@code tryTransfer}. */
  @SuppressWarnings("unused")
  public static class BooleanOperationAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(@Advice.This Object queue, @Advice.Origin("#m") String method) {
      return BlockedTime.opEnter(queue, method);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter ThreadState state,
        @Advice.Thrown Throwable thrown,
        @Advice.Return boolean accepted,
        @Advice.Argument(1) long timeout,
        @Advice.Argument(2) TimeUnit unit) {
      if (state != null) {
        BlockedTime.opExit(state, thrown, !accepted, timeout, unit);
      }
    }
  }

  /** {@code poll(timeout, unit)} and its deque variants. */
  @SuppressWarnings("unused")
  public static class TimedPollAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(@Advice.This Object queue, @Advice.Origin("#m") String method) {
      return BlockedTime.opEnter(queue, method);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter ThreadState state,
        @Advice.Thrown Throwable thrown,
        @Advice.Return Object element,
        @Advice.Argument(0) long timeout,
        @Advice.Argument(1) TimeUnit unit) {
      if (state != null) {
        BlockedTime.opExit(state, thrown, element == null, timeout, unit);
      }
    }
  }
}
