package dev.blockedtime.javaagent;

import java.util.function.Function;

/**
 * Start-up, in the order the agent allows: settings and the bootstrap core before any
 * instrumentation is installed ({@link #configure}), recording once the SDK is ready ({@link
 * #startRecording}).
 *
 * <p>This class runs before the core is on the bootstrap class path, so it must not mention any
 * core type (the verifier may load a type it sees, and would not find it). {@link CoreSetup} holds
 * everything that does, and is only touched once the core is installed.
 */
public final class Startup {
  private static volatile boolean ready;

  private Startup() {}

  /** Called once, with the agent's configuration, before the instrumentation modules load. */
  static synchronized void configure(Function<String, String> config) {
    if (ready || !BootstrapInjector.inject()) {
      return;
    }
    CoreSetup.configure(config);
    ready = true;
  }

  static void startRecording() {
    if (ready) {
      CoreSetup.startRecording();
    }
  }

  /** Whether the core is installed; everything else stays off when it is not. */
  public static boolean ready() {
    return ready;
  }
}
