package dev.blockedtime.bootstrap;

/** One finished wait, handed to the {@link Recorder} on the thread that waited or (see {@link Deferred}) on the recorder thread. */
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
  /**
   * Whether {@link Recorder#record} adds the span event: it runs on the waiting thread, and no
   * {@link Recorder#spanEvent} was made for the wait.
   */
  public final boolean onWaitingThread;
  /**
   * For a wait recorded on the recorder thread: the waiting thread's context (an OpenTelemetry
   * {@code Context}) when a span was current, which the histogram point is recorded in, for its
   * exemplar. Set by {@link Recorder#onWaitingThread} before the wait is handed over.
   */
  public Object context;

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
