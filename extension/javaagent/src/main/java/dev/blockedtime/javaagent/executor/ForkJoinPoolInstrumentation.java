package dev.blockedtime.javaagent.executor;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.ExecutorTasks;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ForkJoinPool}: constructors register the pool (not the common pool's own constructor,
 * whose caller is whoever first touched the class: the common pool is registered by name); an
 * external push stamps the task. Every external submission ({@code execute}, {@code submit},
 * {@code invoke}, a {@code fork()} outside any pool, {@code CompletableFuture}'s async methods)
 * ends in one method: {@code externalPush} on JDK 17, {@code WorkQueue.push(task, pool, false)}
 * on JDK 21 and later ({@link WorkQueuePush}). A worker's own forks are internal pushes and are
 * not stamped.
 */
final class ForkJoinPoolInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.util.concurrent.ForkJoinPool");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String self = ForkJoinPoolInstrumentation.class.getName();
    transformer.applyAdviceToMethod(
        isConstructor().and(not(takesArguments(byte.class))), self + "$ConstructorAdvice");
    transformer.applyAdviceToMethod(
        named("externalPush").and(takesArguments(1)), self + "$ExternalPushAdvice");
  }

  @SuppressWarnings("unused")
  public static class ConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object pool) {
      ExecutorTasks.executorCreated(pool);
    }
  }

  /** JDK 17: {@code externalPush(task)}, which throws when the pool rejects the task. */
  @SuppressWarnings("unused")
  public static class ExternalPushAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object pool, @Advice.Argument(0) Object task) {
      ExecutorTasks.submitted(pool, task);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.This Object pool,
        @Advice.Argument(0) Object task,
        @Advice.Thrown Throwable thrown) {
      if (thrown != null) {
        ExecutorTasks.dropped(pool, task);
      }
    }
  }

  /** JDK 21+: {@code ForkJoinPool.WorkQueue}, where every push ends. */
  static final class WorkQueuePush implements TypeInstrumentation {
    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
      return named("java.util.concurrent.ForkJoinPool$WorkQueue");
    }

    @Override
    public void transform(TypeTransformer transformer) {
      transformer.applyAdviceToMethod(
          named("push").and(takesArguments(3)).and(takesArgument(2, boolean.class)),
          ForkJoinPoolInstrumentation.class.getName() + "$PushAdvice");
    }
  }

  /**
   * {@code push(task, pool, internal)}: stamps external pushes only. (A push that finds the
   * queue's array at its maximum throws after queueing nothing; the gauge collection drops such
   * an entry once its task is found never to start.)
   */
  @SuppressWarnings("unused")
  public static class PushAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(
        @Advice.Argument(0) Object task,
        @Advice.Argument(1) Object pool,
        @Advice.Argument(2) boolean internal) {
      if (!internal && pool != null) {
        ExecutorTasks.submitted(pool, task);
      }
    }
  }
}
