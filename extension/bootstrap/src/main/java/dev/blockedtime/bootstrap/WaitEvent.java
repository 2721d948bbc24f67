package dev.blockedtime.bootstrap;

/** One finished wait, handed to the {@link Recorder} on the thread that waited. */
public final class WaitEvent {
  public final ResourceName name;
  public final String operation;
  /** For queues {@code full}, {@code empty} or {@code contended}; for locks the mode. */
  public final String state;
  public final String outcome;
  public final long startNanos;
  public final long durationNanos;
  /** The waiting thread's stack, only for waits at least as long as the stack threshold. */
  public final Frames.StackInfo stack;
  /** True for the first wait in this JVM that carries this stack hash. */
  public final boolean firstOfStack;
  /** The thread that waited, when it is known as an object (always, except for JFR events). */
  public final Thread thread;
  public final String threadName;
  public final long threadId;
  /** Whether the wait is reported on the waiting thread, so it may add a span event. */
  public final boolean onWaitingThread;

  WaitEvent(
      ResourceName name,
      String operation,
      String state,
      String outcome,
      long startNanos,
      long durationNanos,
      Frames.StackInfo stack,
      boolean firstOfStack,
      Thread thread,
      String threadName,
      long threadId,
      boolean onWaitingThread) {
    this.name = name;
    this.operation = operation;
    this.state = state;
    this.outcome = outcome;
    this.startNanos = startNanos;
    this.durationNanos = durationNanos;
    this.stack = stack;
    this.firstOfStack = firstOfStack;
    this.thread = thread;
    this.threadName = threadName;
    this.threadId = threadId;
    this.onWaitingThread = onWaitingThread;
  }
}
