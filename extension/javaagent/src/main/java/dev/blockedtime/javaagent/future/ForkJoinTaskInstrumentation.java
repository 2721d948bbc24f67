package dev.blockedtime.javaagent.future;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.FutureWaits;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ForkJoinTask.awaitDone}, which {@code get}, {@code join}, {@code invoke} and the quiet
 * variants call only when the task is not done. Its shape differs: JDK 17 has {@code
 * awaitDone(ForkJoinPool pool, boolean ran, boolean interruptible, boolean timed, long nanos)};
 * JDK 25 has {@code awaitDone(boolean interruptible, long deadline)}, the entry that helps and
 * then parks (its four-argument overload is the park alone, which the two-argument one calls).
 * Both return the task's status: negative once done, 0 on timeout, {@code ABNORMAL} when
 * interrupted.
 */
final class ForkJoinTaskInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.util.concurrent.ForkJoinTask");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String self = ForkJoinTaskInstrumentation.class.getName();
    transformer.applyAdviceToMethod(
        named("awaitDone")
            .and(takesArguments(5))
            .and(takesArgument(0, named("java.util.concurrent.ForkJoinPool")))
            .and(takesArgument(3, boolean.class))
            .and(takesArgument(4, long.class))
            .and(returns(int.class)),
        self + "$Jdk17AwaitDoneAdvice");
    transformer.applyAdviceToMethod(
        named("awaitDone").and(takesArguments(boolean.class, long.class)).and(returns(int.class)),
        self + "$AwaitDoneAdvice");
  }

  @SuppressWarnings("unused")
  public static class Jdk17AwaitDoneAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static FutureWaits.Wait enter(
        @Advice.Argument(2) boolean interruptible,
        @Advice.Argument(3) boolean timed,
        @Advice.Argument(4) long nanos) {
      return FutureWaits.forkJoinBegin(interruptible, timed, nanos);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter FutureWaits.Wait wait,
        @Advice.Return int status,
        @Advice.Thrown Throwable thrown) {
      if (wait != null) {
        FutureWaits.forkJoinEnd(wait, status, thrown);
      }
    }
  }

  @SuppressWarnings("unused")
  public static class AwaitDoneAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static FutureWaits.Wait enter(@Advice.Argument(0) boolean interruptible) {
      return FutureWaits.forkJoinBegin(interruptible, false, 0L);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter FutureWaits.Wait wait,
        @Advice.Return int status,
        @Advice.Thrown Throwable thrown) {
      if (wait != null) {
        FutureWaits.forkJoinEnd(wait, status, thrown);
      }
    }
  }
}
