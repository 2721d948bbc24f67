package dev.blockedtime.javaagent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.ThreadState;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Parks of the rendezvous queues. {@code SynchronousQueue} and {@code LinkedTransferQueue} wait
 * in private methods that differ between JDK 17 and 25, but on both they announce the wait through
 * {@code LockSupport}: {@code setCurrentBlocker(queue)} ... {@code setCurrentBlocker(null)} around
 * an untimed park, or {@code parkNanos(queue, n)}. These methods run only when a thread parks; the
 * core ignores every blocker that is not a registered rendezvous queue.
 */
final class LockSupportInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.util.concurrent.locks.LockSupport");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String advice = LockSupportInstrumentation.class.getName();
    transformer.applyAdviceToMethod(
        named("setCurrentBlocker").and(takesArguments(1)), advice + "$CurrentBlockerAdvice");
    transformer.applyAdviceToMethod(
        namedOneOf("park", "parkNanos", "parkUntil").and(takesArgument(0, Object.class)),
        advice + "$ParkAdvice");
  }

  @SuppressWarnings("unused")
  public static class CurrentBlockerAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) Object blocker) {
      BlockedTime.currentBlocker(blocker);
    }
  }

  @SuppressWarnings("unused")
  public static class ParkAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(@Advice.Argument(0) Object blocker) {
      return BlockedTime.parkBegin(blocker);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter ThreadState state) {
      if (state != null) {
        BlockedTime.waitEnd(state, 1);
      }
    }
  }
}
