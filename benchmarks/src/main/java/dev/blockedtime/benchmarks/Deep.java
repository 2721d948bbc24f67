package dev.blockedtime.benchmarks;

import java.util.function.Supplier;

/**
 * Application frames for the stack walks to pass: outside the extension's packages, so the walk
 * counts them as the waiting code's own.
 */
public final class Deep {
  private Deep() {}

  /** Calls {@code action} {@code depth} frames below the caller. */
  public static Object call(int depth, Supplier<Object> action) {
    return depth == 0 ? action.get() : next(depth - 1, action);
  }

  private static Object next(int depth, Supplier<Object> action) {
    return depth == 0 ? action.get() : call(depth - 1, action);
  }
}
