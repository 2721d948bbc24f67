package dev.blockedtime.javaagent.future;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.FutureWaits;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code FutureTask.awaitDone(boolean timed, long nanos)} (JDK 17 and 25): {@code get} calls it
 * only when the task is not done; it parks on the task and returns the task's state.
 */
final class FutureTaskInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.util.concurrent.FutureTask");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("awaitDone").and(takesArguments(boolean.class, long.class)).and(returns(int.class)),
        FutureTaskInstrumentation.class.getName() + "$AwaitDoneAdvice");
  }

  @SuppressWarnings("unused")
  public static class AwaitDoneAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static FutureWaits.Wait enter(
        @Advice.Argument(0) boolean timed, @Advice.Argument(1) long nanos) {
      return FutureWaits.futureTaskBegin(timed, nanos);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter FutureWaits.Wait wait,
        @Advice.Argument(0) boolean timed,
        @Advice.Return int state,
        @Advice.Thrown Throwable thrown) {
      if (wait != null) {
        FutureWaits.futureTaskEnd(wait, timed, state, thrown);
      }
    }
  }
}
