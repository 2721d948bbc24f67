package dev.blockedtime.javaagent.executor;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.ExecutorTasks;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ScheduledThreadPoolExecutor}: its tasks carry their due time, so nothing is stamped; the
 * one private method every schedule goes through keeps the submitter's context for the span event
 * of the task's first run. Registration and the start are {@link ThreadPoolExecutorInstrumentation}'s.
 */
final class ScheduledThreadPoolExecutorInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.util.concurrent.ScheduledThreadPoolExecutor");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("delayedExecute").and(takesArguments(1)),
        ScheduledThreadPoolExecutorInstrumentation.class.getName() + "$DelayedExecuteAdvice");
  }

  @SuppressWarnings("unused")
  public static class DelayedExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      ExecutorTasks.scheduled(executor, task);
    }
  }
}
