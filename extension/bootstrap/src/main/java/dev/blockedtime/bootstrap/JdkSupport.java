package dev.blockedtime.bootstrap;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, once at start-up, that the JDK internals the advice relies on are where this extension
 * expects them (they are private, and a JDK may move them). Each missing piece logs one line
 * naming what is not recorded as a result; the advice for it then simply matches nothing, and
 * everything else runs on.
 */
public final class JdkSupport {
  private JdkSupport() {}

  /** One internal method the advice hooks: class, method name, parameter count. */
  static final class Hook {
    final String className;
    final String method;
    final int parameters;
    final String consequence;

    Hook(String className, String method, int parameters, String consequence) {
      this.className = className;
      this.method = method;
      this.parameters = parameters;
      this.consequence = consequence;
    }
  }

  static List<Hook> hooks(Settings settings) {
    List<Hook> hooks = new ArrayList<>();
    hooks.add(
        new Hook(
            "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "acquire",
            6,
            "lock waits, and contention on queues' internal locks, are not recorded"));
    if (settings.queues) {
      hooks.add(
          new Hook(
              "java.util.concurrent.locks.LockSupport",
              "setCurrentBlocker",
              1,
              "SynchronousQueue and LinkedTransferQueue waits are not recorded"));
    }
    if (settings.locks) {
      hooks.add(
          new Hook(
              "java.util.concurrent.locks.StampedLock",
              "acquireWrite",
              3,
              "StampedLock write-lock waits are not recorded"));
      hooks.add(
          new Hook(
              "java.util.concurrent.locks.StampedLock",
              "acquireRead",
              3,
              "StampedLock read-lock waits are not recorded"));
      hooks.add(
          new Hook(
              "java.util.concurrent.Phaser",
              "internalAwaitAdvance",
              2,
              "Phaser waits are not recorded"));
    }
    if (settings.futures) {
      hooks.add(
          new Hook(
              "java.util.concurrent.FutureTask",
              "awaitDone",
              2,
              "FutureTask.get waits are not recorded"));
      hooks.add(
          new Hook(
              "java.util.concurrent.CompletableFuture",
              "waitingGet",
              1,
              "untimed CompletableFuture.get and join waits are not recorded"));
      hooks.add(
          new Hook(
              "java.util.concurrent.CompletableFuture",
              "timedGet",
              1,
              "timed CompletableFuture.get waits are not recorded"));
    }
    return hooks;
  }

  /** Logs one line per missing internal; returns how many are missing. */
  public static int check(Settings settings) {
    int missing = check(hooks(settings));
    if (settings.queues) {
      for (String type : Resources.QUEUE_TYPES) {
        if (!Resources.layoutReadable(type)) {
          missing++; // Resources logged the line
        }
      }
    }
    return missing;
  }

  static int check(List<Hook> hooks) {
    int missing = 0;
    for (Hook hook : hooks) {
      if (!present(hook.className, hook.method, hook.parameters)) {
        missing++;
        Log.warn(
            "this JDK ("
                + System.getProperty("java.version")
                + ") has no "
                + hook.className
                + "."
                + hook.method
                + " with "
                + hook.parameters
                + " parameters: "
                + hook.consequence
                + "; everything else is recorded as usual");
      }
    }
    return missing;
  }

  static boolean present(String className, String method, int parameters) {
    try {
      for (Method m : Class.forName(className).getDeclaredMethods()) {
        if (m.getName().equals(method) && m.getParameterCount() == parameters) {
          return true;
        }
      }
      return false;
    } catch (Throwable e) {
      return false;
    }
  }
}
