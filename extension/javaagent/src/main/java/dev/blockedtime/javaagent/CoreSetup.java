package dev.blockedtime.javaagent;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.ExecutorTasks;
import dev.blockedtime.bootstrap.JdkSupport;
import dev.blockedtime.bootstrap.Log;
import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.javaagent.deadlock.DeadlockDetector;
import dev.blockedtime.javaagent.executor.ExecutorTelemetry;
import dev.blockedtime.javaagent.monitor.MonitorContention;
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
    }
  }

  static void startRecording() {
    try {
      Settings settings = BlockedTime.settings();
      if (settings.enabled) {
        BlockedTime.start(new OtelRecorder(GlobalOpenTelemetry.get(), settings));
        if (settings.monitors) {
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

  /** The settings in force, or null when the core is not installed. */
  public static Settings settings() {
    return Startup.ready() ? BlockedTime.settings() : null;
  }
}
