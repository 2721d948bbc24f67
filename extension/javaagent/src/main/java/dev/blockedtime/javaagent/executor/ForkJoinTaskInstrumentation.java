package dev.blockedtime.javaagent.executor;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.ExecutorTasks;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import java.util.concurrent.ForkJoinTask;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ForkJoinTask.doExec()}, where every fork/join task starts, whichever thread runs it (a
 * worker, or a thread that helps while it joins). Tasks that were not external submissions pay
 * one read of a counter there while no external submission waits.
 */
final class ForkJoinTaskInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.util.concurrent.ForkJoinTask");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("doExec").and(takesArguments(0)),
        ForkJoinTaskInstrumentation.class.getName() + "$DoExecAdvice");
  }

  @SuppressWarnings("unused")
  public static class DoExecAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This ForkJoinTask<?> task) {
      ExecutorTasks.forkJoinStarting(task);
    }
  }
}
