package dev.blockedtime.javaagent.future;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.FutureWaits;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code CompletableFuture.waitingGet(boolean interruptible)} and {@code timedGet(long nanos)}
 * (JDK 17 and 25): {@code get()}/{@code join()} and {@code get(timeout, unit)} call them only when
 * the result is not there yet. They return the raw result, null when interrupted; {@code timedGet}
 * throws {@code TimeoutException} when it gives up. The park beneath them goes through {@code
 * ForkJoinPool.managedBlock} and parks on a {@code Signaller}, which nothing else records.
 */
final class CompletableFutureInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.util.concurrent.CompletableFuture");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String self = CompletableFutureInstrumentation.class.getName();
    transformer.applyAdviceToMethod(
        named("waitingGet").and(takesArguments(boolean.class)), self + "$WaitingGetAdvice");
    transformer.applyAdviceToMethod(
        named("timedGet").and(takesArguments(long.class)), self + "$TimedGetAdvice");
  }

  @SuppressWarnings("unused")
  public static class WaitingGetAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static FutureWaits.Wait enter(@Advice.Argument(0) boolean interruptible) {
      return FutureWaits.completableBegin(interruptible);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter FutureWaits.Wait wait,
        @Advice.Return Object result,
        @Advice.Thrown Throwable thrown) {
      if (wait != null) {
        FutureWaits.completableEnd(wait, result, thrown);
      }
    }
  }

  @SuppressWarnings("unused")
  public static class TimedGetAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static FutureWaits.Wait enter(@Advice.Argument(0) long nanos) {
      return FutureWaits.completableTimedBegin(nanos);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter FutureWaits.Wait wait,
        @Advice.Return Object result,
        @Advice.Thrown Throwable thrown) {
      if (wait != null) {
        FutureWaits.completableEnd(wait, result, thrown);
      }
    }
  }
}
