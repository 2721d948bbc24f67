package dev.blockedtime.bootstrap;

/** One finished wait for a future or a join, handed to the {@link FutureRecorder}. */
public final class FutureWaitEvent {
  /** {@code jvm.future.type}: {@code FutureTask}, {@code CompletableFuture}, {@code ForkJoinTask}, {@code Thread}. */
  public final String type;
  /** {@code jvm.future.operation}: {@code get} or {@code join}. */
  public final String operation;

  public final String outcome;
  public final long startNanos;
  public final long durationNanos;
  /** The waiting thread's stack, only for waits at least as long as the stack threshold. */
  public final Frames.StackInfo stack;
  /** True for the first wait in this JVM that carries this stack hash. */
  public final boolean firstOfStack;

  public final String threadName;
  public final long threadId;
  /** Whether the wait is reported on the waiting thread, so it may add a span event. */
  public final boolean onWaitingThread;

  FutureWaitEvent(
      String type,
      String operation,
      String outcome,
      long startNanos,
      long durationNanos,
      StackHashes.Seen stack,
      String threadName,
      long threadId,
      boolean onWaitingThread) {
    this.type = type;
    this.operation = operation;
    this.outcome = outcome;
    this.startNanos = startNanos;
    this.durationNanos = durationNanos;
    this.stack = stack.stack;
    this.firstOfStack = stack.first;
    this.threadName = threadName;
    this.threadId = threadId;
    this.onWaitingThread = onWaitingThread;
  }
}
