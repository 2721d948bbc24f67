package dev.blockedtime.javaagent.instrumentation;

import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.javaagent.CoreSetup;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Instrumentation of {@code java.util.concurrent}. The advice is inlined into JDK classes and
 * calls only the bootstrap core, which the extension put on the bootstrap class path before this
 * module loads, so there are no helper classes to inject.
 *
 * <p>Named {@code blocked-time}, so the agent's own {@code otel.instrumentation.blocked-time.enabled}
 * switch and ours are the same key.
 */
public final class JucInstrumentationModule extends InstrumentationModule {
  /** The queue classes covered, each instrumented by exact name (subclasses inherit the advice). */
  static final String[] QUEUE_CLASSES = {
    "java.util.concurrent.ArrayBlockingQueue",
    "java.util.concurrent.LinkedBlockingQueue",
    "java.util.concurrent.LinkedBlockingDeque",
    "java.util.concurrent.PriorityBlockingQueue",
    "java.util.concurrent.DelayQueue",
    "java.util.concurrent.SynchronousQueue",
    "java.util.concurrent.LinkedTransferQueue",
  };

  public JucInstrumentationModule() {
    super("blocked-time");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    Settings settings = CoreSetup.settings();
    if (settings == null || !(settings.queues || settings.locks)) {
      return Collections.emptyList();
    }
    List<TypeInstrumentation> list = new ArrayList<>();
    if (settings.queues) {
      for (String queue : QUEUE_CLASSES) {
        list.add(new QueueInstrumentation(queue));
      }
      list.add(new LockSupportInstrumentation());
    }
    if (settings.locks) {
      for (String lock : LockInstrumentation.CLASSES) {
        list.add(new LockInstrumentation(lock));
      }
    }
    // the slow paths every queue and lock shares
    list.add(new SynchronizerInstrumentation());
    list.add(new ConditionInstrumentation(settings.locks));
    return list;
  }

  @Override
  public List<String> getAdditionalHelperClassNames() {
    return Collections.emptyList();
  }
}
