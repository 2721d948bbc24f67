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
 * {@code VirtualThread.joinNanos(long nanos)} (JDK 21+): {@code Thread.join} of a virtual thread
 * that has not terminated. It awaits a {@code CountDownLatch} of the JDK's, whose wait is this
 * join's and adds nothing of its own. Returns whether the thread terminated.
 */
final class VirtualThreadJoinInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.lang.VirtualThread");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("joinNanos").and(takesArguments(long.class)).and(returns(boolean.class)),
        VirtualThreadJoinInstrumentation.class.getName() + "$JoinNanosAdvice");
  }

  @SuppressWarnings("unused")
  public static class JoinNanosAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static FutureWaits.Wait enter() {
      return FutureWaits.virtualJoinBegin();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter FutureWaits.Wait wait,
        @Advice.Return boolean terminated,
        @Advice.Thrown Throwable thrown) {
      if (wait != null) {
        FutureWaits.virtualJoinEnd(wait, terminated, thrown);
      }
    }
  }
}
