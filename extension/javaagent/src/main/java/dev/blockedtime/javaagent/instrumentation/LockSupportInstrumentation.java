package dev.blockedtime.javaagent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.BlockedTime;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code LockSupport.setCurrentBlocker}, which announces a park in the untimed waits of the
 * rendezvous queues (JDK 17 and 25) and of conditions: {@code setCurrentBlocker(blocker)} ...
 * {@code setCurrentBlocker(null)} around the park. It runs only when a thread is about to park;
 * the core ignores every blocker that is not a registered rendezvous queue or an open condition
 * wait. {@code LockSupport.park} itself is not advised: the few timed parks a wait needs to see
 * are substituted where they are called ({@link RendezvousInstrumentation}, {@link
 * ConditionInstrumentation}), and every other park in the JVM pays nothing.
 */
final class LockSupportInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.util.concurrent.locks.LockSupport");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("setCurrentBlocker").and(takesArguments(1)),
        LockSupportInstrumentation.class.getName() + "$CurrentBlockerAdvice");
  }

  @SuppressWarnings("unused")
  public static class CurrentBlockerAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) Object blocker) {
      BlockedTime.currentBlocker(blocker);
    }
  }
}
