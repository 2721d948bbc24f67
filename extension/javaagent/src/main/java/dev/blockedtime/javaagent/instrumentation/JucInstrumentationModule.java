package dev.blockedtime.javaagent.instrumentation;

import dev.blockedtime.bootstrap.Resources;
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
      for (String queue : Resources.QUEUE_TYPES) {
        list.add(new QueueInstrumentation("java.util.concurrent." + queue));
      }
      list.add(new RendezvousInstrumentation());
      list.add(new LockSupportInstrumentation());
    }
    if (settings.locks) {
      for (String lock : LockInstrumentation.CLASSES) {
        list.add(new LockInstrumentation(lock));
      }
    }
    // the slow paths every queue and lock shares
    list.add(new SynchronizerInstrumentation());
    list.add(new ConditionInstrumentation());
    return list;
  }

  @Override
  public List<String> getAdditionalHelperClassNames() {
    return Collections.emptyList();
  }
}
