package dev.blockedtime.javaagent;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.FutureWaits;
import dev.blockedtime.bootstrap.ExecutorTasks;
import dev.blockedtime.bootstrap.JdkSupport;
import dev.blockedtime.bootstrap.Log;
import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.javaagent.deadlock.DeadlockDetector;
import dev.blockedtime.javaagent.instrumentation.AllocationSites;
import dev.blockedtime.javaagent.instrumentation.DequeDelegates;
import dev.blockedtime.javaagent.executor.ExecutorTelemetry;
import dev.blockedtime.javaagent.monitor.MonitorContention;
import dev.blockedtime.javaagent.telemetry.FutureTelemetry;
import dev.blockedtime.javaagent.telemetry.OtelRecorder;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.util.function.Function;

/** The start-up steps that use the bootstrap core; only reached once {@link Startup} installed it. */
public final class CoreSetup {
  private CoreSetup() {}

  static void configure(Function<String, String> config) {
    Settings settings = Settings.from(config);
    BlockedTime.configure(settings);
    ExecutorTasks.configure(settings);
    if (settings.enabled) {
      JdkSupport.check(settings);
      try {
        AllocationSites.install(BootstrapInjector::instrumentation, settings);
      } catch (Throwable t) { // a linkage error: the agent lacks what the rewriting needs
        Log.once("sites", "cannot rewrite allocation sites; resources built by the application are not named", t);
      }
      if (settings.queues) {
        // added before the agent's own transformer, which must see the copies (see DequeDelegates)
        DequeDelegates.install(BootstrapInjector::instrumentation);
      }
    }
  }

  static void startRecording() {
    try {
      Settings settings = BlockedTime.settings();
      if (settings.enabled) {
        BlockedTime.start(new OtelRecorder(GlobalOpenTelemetry.get(), settings));
        warmUpInTheBackground();
        if (settings.futures || settings.virtualThreads) {
          FutureWaits.start(new FutureTelemetry(GlobalOpenTelemetry.get(), settings));
        }
        if (MonitorContention.wanted(settings)) {
          MonitorContention.start(settings);
        }
        if (settings.deadlocks) {
          DeadlockDetector.start(GlobalOpenTelemetry.get(), settings);
        }
        if (settings.executors) {
          ExecutorTasks.start(new ExecutorTelemetry(GlobalOpenTelemetry.get(), settings));
        }
      }
    } catch (Throwable t) {
      Log.once("start", "cannot start recording; blocked-time records nothing", t);
    }
  }

  /** The first wait's one-time costs, paid here rather than inside the application's operation. */
  private static void warmUpInTheBackground() {
    Thread t =
        new Thread(
            () -> {
              BlockedTime.warmUp();
              try {
                OtelRecorder.warmUp();
              } catch (Throwable e) {
                Log.once("warm-up", "warm-up failed; the first wait pays its one-time costs", e);
              }
            },
            "blocked-time-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** The settings in force, or null when the core is not installed. */
  public static Settings settings() {
    return Startup.ready() ? BlockedTime.settings() : null;
  }
}
