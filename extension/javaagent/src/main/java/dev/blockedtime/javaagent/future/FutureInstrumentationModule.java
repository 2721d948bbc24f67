package dev.blockedtime.javaagent.future;

import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.javaagent.CoreSetup;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Waits for futures and joins: the JDK's private slow paths that {@code get}/{@code join} reach
 * only when the work is not done yet (see {@link dev.blockedtime.bootstrap.FutureWaits}). The
 * advice is inlined into JDK classes and calls only the bootstrap core, so there are no helper
 * classes to inject.
 *
 * <p>{@code Thread.join} of a platform thread waits in {@code Object.wait} inside {@code
 * java.lang.Thread}, a class the agent leaves alone; it is recorded from JFR instead (see {@code
 * monitor.JfrWaitEvents}). The agent does allow {@code java.lang.VirtualThread}, whose {@code
 * joinNanos} is where joins of virtual threads wait (JDK 21+).
 *
 * <p>{@code otel.instrumentation.blocked-time.futures.enabled=false} turns off this part alone.
 */
public final class FutureInstrumentationModule extends InstrumentationModule {
  /**
   * Named {@code blocked-time} alone: the agent normalizes {@code -} to {@code .} in keys, so an
   * alias {@code blocked-time-futures} would make the agent read our {@code futures.enabled} as its
   * own switch, and a malformed value would turn the module off where the extension keeps the
   * default (on).
   */
  public FutureInstrumentationModule() {
    super("blocked-time");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    Settings settings = CoreSetup.settings();
    if (settings == null || !settings.futures) {
      return Collections.emptyList();
    }
    return Arrays.asList(
        new FutureTaskInstrumentation(),
        new CompletableFutureInstrumentation(),
        new ForkJoinTaskInstrumentation(),
        new VirtualThreadJoinInstrumentation());
  }

  @Override
  public List<String> getAdditionalHelperClassNames() {
    return Collections.emptyList();
  }
}
