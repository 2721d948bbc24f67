package dev.blockedtime.javaagent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.hasParameters;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.whereAny;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.WaitCalls;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import java.util.concurrent.TimeUnit;

/**
 * One blocking queue class: its constructors register the queue (the allocation site is on the
 * stack only then). In its blocking methods, the one call that can park is replaced by a {@link
 * WaitCalls} call that names the operation, and the method's exit closes the wait that call opened.
 * Nothing else: a method that does not wait runs its own code plus one read at its exit, and
 * non-blocking methods get nothing.
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
    ElementMatcher.Junction<MethodDescription> untimed =
        isPublic()
            .and(
                namedOneOf("put", "putFirst", "putLast", "transfer")
                    .and(takesArguments(1))
                    .and(returns(void.class))
                    .or(namedOneOf("take", "takeFirst", "takeLast").and(takesArguments(0))));
    ElementMatcher.Junction<MethodDescription> timedOffer =
        isPublic()
            .and(namedOneOf("offer", "offerFirst", "offerLast", "tryTransfer"))
            .and(timed())
            .and(returns(boolean.class));
    ElementMatcher.Junction<MethodDescription> timedPoll =
        isPublic().and(namedOneOf("poll", "pollFirst", "pollLast")).and(timed());
    // The rendezvous queues' methods are thin calls into their transfer and take their exit
    // advice with an exception handler. The others inline their lock's fast path and sit close to
    // the size up to which C2 inlines an already compiled method into its caller: a handler
    // around them tips them over it (measured: put+take 0.91 of the agent alone, against 0.98
    // without). Their waits that end in an exception end where it starts (BlockedTime.waitEnd).
    boolean rendezvous =
        className.endsWith(".SynchronousQueue") || className.endsWith(".LinkedTransferQueue");
    String kind = rendezvous ? "Rendezvous" : "";
    transformer.applyAdviceToMethod(untimed, advice + "$Untimed" + kind + "Advice");
    transformer.applyAdviceToMethod(timedOffer, advice + "$TimedOffer" + kind + "Advice");
    transformer.applyAdviceToMethod(timedPoll, advice + "$TimedPoll" + kind + "Advice");

    MemberSubstitution waits =
        MemberSubstitution.relaxed()
            .method(declaredBy(CONDITION, "await", 0))
            .replaceWith(StaticCall.to("await", StaticCall.Extra.THIS, StaticCall.Extra.METHOD_NAME))
            .method(declaredBy(CONDITION, "awaitNanos", 1))
            .replaceWith(
                StaticCall.to("awaitNanos", StaticCall.Extra.THIS, StaticCall.Extra.METHOD_NAME));
    if (className.endsWith(".LinkedBlockingDeque")) {
      // its untimed blocking methods take the lock with lock(), like its non-blocking ones
      waits = waits.method(declaredBy(REENTRANT_LOCK, "lock", 0)).replaceWith(StaticCall.to("lock"));
    }
    AsmVisitorWrapper wrapper = waits.on(untimed.or(timedOffer).or(timedPoll));
    transformer.applyTransformer(
        (builder, type, classLoader, module, protectionDomain) -> builder.visit(wrapper));
  }

  private static final String CONDITION = "java.util.concurrent.locks.Condition";
  private static final String REENTRANT_LOCK = "java.util.concurrent.locks.ReentrantLock";

  static ElementMatcher.Junction<MethodDescription> declaredBy(
      String type, String method, int arguments) {
    return named(method).and(takesArguments(arguments)).and(isDeclaredBy(named(type)));
  }

  /** Methods with a {@code TimeUnit} parameter: the timed variants, the only ones that wait. */
  private static ElementMatcher.Junction<MethodDescription> timed() {
    return hasParameters(
        whereAny(
            (ParameterDescription p) ->
                p.getType().asErasure().getName().equals("java.util.concurrent.TimeUnit")));
  }

  /**
   * Shared with {@link LockInstrumentation} for {@code CyclicBarrier}, also a composite. The
   * application's {@code new T(...)} is named at its call site ({@link AllocationSites}); only an
   * application subclass, whose constructor runs this with a {@code this} of another class, is
   * named here, by a stack walk. A subclass the JDK defines for itself (JDK 25's {@code
   * SynchronousQueue} builds its transferer as a {@code LinkedTransferQueue} subclass) is the
   * JDK's: the resource that holds it registers it. (No {@code onThrowable}: ByteBuddy cannot catch around a
   * constructor's super call; a constructor that throws leaves nothing to register.)
   */
  @SuppressWarnings("unused")
  public static class ConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object resource, @Advice.Origin Class<?> type) {
      if (resource.getClass() != type && resource.getClass().getClassLoader() != null) {
        BlockedTime.queueCreated(resource, type.getSimpleName());
      }
    }
  }

  /** {@code put}, {@code take} and their deque variants: they never give up. */
  @SuppressWarnings("unused")
  public static class UntimedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object queue, @Advice.Origin("#m") String method) {
      if (BlockedTime.opWaitPending()) {
        BlockedTime.opReturned(queue, method, null, false, 0, null);
      }
    }
  }

  /**
   * The timed {@code offer} and its deque variants. One that gave up after a positive timeout
   * also goes on, in case it gave up without parking.
   */
  @SuppressWarnings("unused")
  public static class TimedOfferAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.This Object queue,
        @Advice.Origin("#m") String method,
        @Advice.Return boolean accepted,
        @Advice.Argument(1) long timeout,
        @Advice.Argument(2) TimeUnit unit) {
      if (BlockedTime.opWaitPending() || (!accepted && timeout > 0)) {
        BlockedTime.opReturned(queue, method, null, !accepted, timeout, unit);
      }
    }
  }

  /** {@code poll(timeout, unit)} and its deque variants. */
  @SuppressWarnings("unused")
  public static class TimedPollAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.This Object queue,
        @Advice.Origin("#m") String method,
        @Advice.Return Object element,
        @Advice.Argument(0) long timeout,
        @Advice.Argument(1) TimeUnit unit) {
      if (BlockedTime.opWaitPending() || (element == null && timeout > 0)) {
        BlockedTime.opReturned(queue, method, null, element == null, timeout, unit);
      }
    }
  }

  /**
   * {@code put}, {@code take} and {@code transfer} of the rendezvous queues, which detect an
   * interrupt after their park returned and throw: the exit sees the exception.
   */
  @SuppressWarnings("unused")
  public static class UntimedRendezvousAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.This Object queue,
        @Advice.Origin("#m") String method,
        @Advice.Thrown Throwable thrown) {
      if (BlockedTime.opWaitPending()) {
        BlockedTime.opReturned(queue, method, thrown, false, 0, null);
      }
    }
  }

  /** The timed {@code offer} and {@code tryTransfer} of the rendezvous queues. */
  @SuppressWarnings("unused")
  public static class TimedOfferRendezvousAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.This Object queue,
        @Advice.Origin("#m") String method,
        @Advice.Thrown Throwable thrown,
        @Advice.Return boolean accepted,
        @Advice.Argument(1) long timeout,
        @Advice.Argument(2) TimeUnit unit) {
      if (BlockedTime.opWaitPending() || (!accepted && timeout > 0)) {
        BlockedTime.opReturned(queue, method, thrown, !accepted, timeout, unit);
      }
    }
  }

  /** The timed {@code poll} of the rendezvous queues. */
  @SuppressWarnings("unused")
  public static class TimedPollRendezvousAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.This Object queue,
        @Advice.Origin("#m") String method,
        @Advice.Thrown Throwable thrown,
        @Advice.Return Object element,
        @Advice.Argument(0) long timeout,
        @Advice.Argument(1) TimeUnit unit) {
      if (BlockedTime.opWaitPending() || (element == null && timeout > 0)) {
        BlockedTime.opReturned(queue, method, thrown, element == null, timeout, unit);
      }
    }
  }
}
