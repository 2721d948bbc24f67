package dev.blockedtime.javaagent.executor;

import dev.blockedtime.bootstrap.ExecutorTasks;
import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.javaagent.CoreSetup;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Executors: the queued time of tasks of {@code ThreadPoolExecutor}, {@code
 * ScheduledThreadPoolExecutor} and external submissions to a {@code ForkJoinPool}. As for the
 * queues and locks, the advice is inlined into JDK classes and calls only the bootstrap core
 * ({@link ExecutorTasks}); there are no helper classes to inject.
 *
 * <p>Named {@code blocked-time} like the other module, so that one switch turns both off.
 */
public final class ExecutorInstrumentationModule extends InstrumentationModule {
  public ExecutorInstrumentationModule() {
    super("blocked-time");
  }

  /**
   * After the agent's executor instrumentation, whose advice on {@code execute} may replace the
   * task (a lambda submitted with a span current is wrapped): the task timed is the one queued.
   */
  @Override
  public int order() {
    return 1;
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    Settings settings = CoreSetup.settings();
    if (settings == null || !settings.executors || !ExecutorTasks.ready()) {
      return Collections.emptyList();
    }
    return Arrays.asList(
        new ThreadPoolExecutorInstrumentation(),
        new ScheduledThreadPoolExecutorInstrumentation(),
        new ForkJoinPoolInstrumentation(),
        new ForkJoinPoolInstrumentation.WorkQueuePush(),
        new ForkJoinTaskInstrumentation());
  }

  @Override
  public List<String> getAdditionalHelperClassNames() {
    return Collections.emptyList();
  }
}
