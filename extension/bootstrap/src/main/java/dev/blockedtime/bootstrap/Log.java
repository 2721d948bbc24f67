package dev.blockedtime.bootstrap;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The extension's only logger. The bootstrap core cannot see the agent's logging, so the
 * extension installs a sink at start-up; until then (and in unit tests) lines go to stderr.
 *
 * <p>{@link #once} keeps the promise that a recurring problem is logged a single time.
 */
public final class Log {
  private static volatile BiConsumer<String, Throwable> sink =
      (message, error) -> {
        System.err.println("[blocked-time] " + message);
        if (error != null) {
          error.printStackTrace();
        }
      };

  // Bounded: keys are fixed strings chosen by this code (setting names, part names).
  private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

  private Log() {}

  public static void setSink(BiConsumer<String, Throwable> newSink) {
    sink = newSink;
  }

  public static void warn(String message) {
    write("WARN " + message, null);
  }

  public static void info(String message) {
    write("INFO " + message, null);
  }

  /** Logs {@code message} the first time {@code key} is seen, and never again. */
  public static void once(String key, String message, Throwable error) {
    if (ONCE.size() < 1024 && ONCE.add(key)) {
      write("WARN " + message, error);
    }
  }

  private static void write(String message, Throwable error) {
    try {
      sink.accept(message, error);
    } catch (Throwable ignored) {
      // logging must never fail the caller
    }
  }
}
