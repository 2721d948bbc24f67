package dev.blockedtime.bootstrap;

import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The stack hash of a finished wait, under the stack threshold and the JVM's table of hashes seen,
 * for the kinds of wait that {@link BlockedTime} does not record itself (futures and joins, pinned
 * virtual threads).
 */
public final class StackHashes {
  private StackHashes() {}

  /** A wait's stack, and whether it is the first wait in this JVM with its hash. */
  public static final class Seen {
    static final Seen NONE = new Seen(null, false);

    /** Null when the wait was shorter than the stack threshold, or the hash table is full. */
    public final Frames.StackInfo stack;

    public final boolean first;

    Seen(Frames.StackInfo stack, boolean first) {
      this.stack = stack;
      this.first = first;
    }
  }

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE); // for StackCache

  // The classes whose frames belong to a future wait itself; the stack starts below them, at the
  // caller of get/join.
  private static final String[] FUTURE_MACHINERY = {
    "java.util.concurrent.FutureTask",
    "java.util.concurrent.CompletableFuture",
    "java.util.concurrent.ForkJoinTask",
    "java.util.concurrent.ForkJoinPool",
    "java.lang.VirtualThread",
  };

  /**
   * The waiting thread's own stack, from the caller of the {@code get}/{@code join} that waited
   * (the frames of the future's class, and {@code Thread.join}, are skipped).
   */
  static Seen futureWaitStack(long durationNanos) {
    Settings cfg = BlockedTime.settings();
    if (durationNanos < cfg.stackThresholdNanos) {
      return Seen.NONE;
    }
    return see(WALKER.walk(frames -> callerStack(frames, cfg.stackDepth)));
  }

  private static Frames.StackInfo callerStack(Stream<StackWalker.StackFrame> frames, int depth) {
    StackWalker.StackFrame[] top = new StackWalker.StackFrame[depth];
    int n = callerFrames(frames, top);
    return n == 0 ? null : StackCache.lookup(top, n);
  }

  /** The caller's frames as {@code class.method:line}, without the cache. */
  static List<String> callerFrames(Stream<StackWalker.StackFrame> frames, int depth) {
    StackWalker.StackFrame[] top = new StackWalker.StackFrame[depth];
    return Frames.lines(top, callerFrames(frames, top));
  }

  private static int callerFrames(Stream<StackWalker.StackFrame> frames, StackWalker.StackFrame[] top) {
    int n = 0;
    Iterator<StackWalker.StackFrame> it = frames.iterator();
    boolean skipping = true;
    while (it.hasNext() && n < top.length) {
      StackWalker.StackFrame frame = it.next();
      if (skipping && isFutureMachinery(frame.getClassName(), frame.getMethodName())) {
        continue;
      }
      skipping = false;
      top[n++] = frame;
    }
    return n;
  }

  static boolean isFutureMachinery(String className, String method) {
    if (Frames.isOwn(className) || (className.equals("java.lang.Thread") && method.equals("join"))) {
      return true;
    }
    for (String prefix : FUTURE_MACHINERY) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A stack observed from outside the waiting thread (a JFR event): {@code frames} start at the
   * caller of the operation that waited, as {@code class.method:line}.
   */
  public static Seen observed(List<String> frames, long durationNanos) {
    Settings cfg = BlockedTime.settings();
    if (durationNanos < cfg.stackThresholdNanos || frames.isEmpty()) {
      return Seen.NONE;
    }
    return see(Frames.StackInfo.of(frames.subList(0, Math.min(cfg.stackDepth, frames.size()))));
  }

  private static Seen see(Frames.StackInfo stack) {
    if (stack == null) {
      return Seen.NONE;
    }
    StackTable.Seen seen = StackTable.see(stack.hash);
    return seen == StackTable.Seen.OVERFLOW ? Seen.NONE : new Seen(stack, seen == StackTable.Seen.FIRST);
  }
}
