package dev.blockedtime.javaagent.executor;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.ExecutorTasks;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ThreadPoolExecutor} (and so {@code ScheduledThreadPoolExecutor}, which runs its tasks
 * through the same worker loop): constructors register the pool; {@code execute} stamps the task
 * on its way in; {@code reject}, {@code remove} and {@code shutdownNow} drop tasks that will not
 * start (a task that the application's rejection handler queues after all keeps its entry); and in the worker loop, the call to {@code beforeExecute} just before a task runs is
 * replaced by {@link ExecutorTasks#beforeExecute}, which records the task's queued time and then
 * makes that call. No wrapper around any task.
 */
final class ThreadPoolExecutorInstrumentation implements TypeInstrumentation {
  private static final String TPE = "java.util.concurrent.ThreadPoolExecutor";

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named(TPE);
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String self = ThreadPoolExecutorInstrumentation.class.getName();
    transformer.applyAdviceToMethod(isConstructor(), self + "$ConstructorAdvice");
    transformer.applyAdviceToMethod(
        named("execute").and(takesArguments(Runnable.class)), self + "$ExecuteAdvice");
    transformer.applyAdviceToMethod(
        named("reject").and(takesArguments(Runnable.class)), self + "$RejectAdvice");
    transformer.applyAdviceToMethod(
        named("remove").and(takesArguments(Runnable.class)), self + "$RemoveAdvice");
    transformer.applyAdviceToMethod(
        named("shutdownNow").and(takesArguments(0)), self + "$ShutdownNowAdvice");

    MethodDescription replacement;
    try {
      replacement =
          new MethodDescription.ForLoadedMethod(
              ExecutorTasks.class.getMethod(
                  "beforeExecute", ThreadPoolExecutor.class, Thread.class, Runnable.class));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    AsmVisitorWrapper start =
        MemberSubstitution.relaxed()
            .method(named("beforeExecute").and(takesArguments(2)).and(isDeclaredBy(named(TPE))))
            .replaceWith(replacement)
            .on(named("runWorker"));
    transformer.applyTransformer(
        (builder, type, classLoader, module, protectionDomain) -> builder.visit(start));
  }

  @SuppressWarnings("unused")
  public static class ConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object executor) {
      ExecutorTasks.executorCreated(executor);
    }
  }

  @SuppressWarnings("unused")
  public static class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.This ThreadPoolExecutor executor, @Advice.Argument(0) Runnable task) {
      ExecutorTasks.submittedToPool(executor, task);
    }
  }

  @SuppressWarnings("unused")
  public static class RejectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This ThreadPoolExecutor executor, @Advice.Argument(0) Runnable task) {
      ExecutorTasks.rejecting(executor, task);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.This ThreadPoolExecutor executor,
        @Advice.Argument(0) Runnable task,
        @Advice.Thrown Throwable thrown) {
      ExecutorTasks.rejected(executor, task, thrown);
    }
  }

  @SuppressWarnings("unused")
  public static class RemoveAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(
        @Advice.This Object executor, @Advice.Argument(0) Runnable task, @Advice.Return boolean removed) {
      if (removed) {
        ExecutorTasks.dropped(executor, task);
      }
    }
  }

  @SuppressWarnings("unused")
  public static class ShutdownNowAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object executor, @Advice.Return List<Runnable> notStarted) {
      ExecutorTasks.droppedAll(executor, notStarted);
    }
  }
}
