package dev.blockedtime.javaagent.grpc;

import dev.blockedtime.bootstrap.Log;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;

/**
 * One call's wait for a ready transport: the stream tracer factory attached to the call, and the
 * state machine its stream tracers and its wrapper ({@link WaitingCall}) drive.
 *
 * <p>Design: {@code phase} goes NOT_WAITING → WAITING → DONE, each step once. A wait begins at the
 * call's {@code start()} when the channel was not ready as the call was made, else at the first
 * {@code createPendingStream}; it ends at the first of: a stream created on a ready transport
 * ({@code OK}), the call closed (calls made on a channel that was not ready, which have a wrapper
 * to see it), a stream closed before reaching a transport (the others). Transitions take this
 * object's monitor (never contended but by the rare overlap of a retry attempt), and only on those
 * slow paths; the common {@code streamCreated} of a call that never waited reads the volatile
 * {@code phase} and returns. The fields written before {@code phase} becomes WAITING are read only
 * after reading WAITING.
 *
 * <p>What is recorded: a call whose stream could not start at once on a ready transport. That is a
 * call one of whose streams went pending, or was delayed by name resolution, and ended (on a ready
 * transport, or with the status that ended the wait); and a call made while the channel was not
 * ready that closed before any of its streams reached a transport, such as a fail-fast call on a
 * channel in transient failure, which fails with {@code UNAVAILABLE} as soon as it starts (a point
 * of about zero seconds: the call was lost to the channel's state). A call made while the channel
 * was reported not ready that still found a ready transport at once (the report was stale) ends
 * its wait unrecorded. One call records at most one wait, whatever its retry attempts.
 */
final class CallWait extends ClientStreamTracer.Factory {
  private static final int NOT_WAITING = 0;
  private static final int WAITING = 1;
  private static final int DONE = 2;

  /** {@code NAME_RESOLUTION_DELAYED}: a Boolean in older lines (1.58), the delay in nanos in newer (1.76). */
  private static final CallOptions.Key<?> NAME_RESOLUTION_DELAYED = nameResolutionDelayedKey();

  final ChannelWaitInterceptor channel;
  final String method;
  final boolean waitForReady;
  /** The channel was ready when the call was made: no wrapper, the wait can only begin pending. */
  final boolean readyAtStart;

  private volatile int phase;
  private boolean pending; // guarded by this
  private String stateAtStart;
  private Span span;
  private long startNanos;

  CallWait(ChannelWaitInterceptor channel, String method, boolean waitForReady, String notReadyState) {
    this.channel = channel;
    this.method = method;
    this.waitForReady = waitForReady;
    this.readyAtStart = notReadyState == null;
    if (notReadyState != null) {
      stateAtStart = notReadyState;
      span = Span.current(); // the agent's client span: this runs inside its interceptor
    }
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
    return new StreamWait(this, info);
  }

  /** The call starts on a channel that was not ready (WaitingCall.start, the starting thread). */
  void callStarted() {
    synchronized (this) {
      if (phase != NOT_WAITING) {
        return;
      }
      startNanos = System.nanoTime();
      phase = WAITING;
      channel.channel().waitBegan();
    }
  }

  /** A stream found no ready transport (createPendingStream, the starting thread). */
  void streamPending() {
    synchronized (this) {
      pending = true;
      if (phase != NOT_WAITING) {
        return;
      }
      startNanos = System.nanoTime();
      stateAtStart = channel.state();
      span = Span.current();
      phase = WAITING;
      channel.channel().waitBegan();
    }
  }

  /** A stream was created on a ready transport. */
  void streamStarted(ClientStreamTracer.StreamInfo info) {
    if (phase == WAITING) {
      end("OK", info, false);
    }
  }

  /**
   * A stream closed; it matters only if it never reached a ready transport. Its status is not
   * always the call's: with retries on (gRPC's default), a deadline or a cancellation reaches a
   * pending stream as {@code CANCELLED} ("RetriableStream committed"). So a call with a wrapper
   * waits for its own {@code onClose}, whose status is the call's (or for a retry attempt that
   * starts); a call without one ends here, and a {@code CANCELLED} past the call's deadline is
   * what it is, {@code DEADLINE_EXCEEDED}.
   */
  void streamClosed(Status status, ClientStreamTracer.StreamInfo info) {
    if (phase != WAITING) {
      return;
    }
    if (readyAtStart) {
      end(statusName(status, info), info, false);
    }
  }

  /** The call closed (WaitingCall's listener): the wait ends with the call's status. */
  void callClosed(Status status) {
    if (phase == WAITING) {
      end(status.getCode().name(), null, true);
    }
  }

  /** start() threw: the wait ends unrecorded. */
  void abandon() {
    synchronized (this) {
      if (phase == WAITING) {
        channel.channel().waitEnded();
      }
      phase = DONE;
    }
  }

  private void end(String status, ClientStreamTracer.StreamInfo info, boolean callClosed) {
    long endNanos;
    boolean waited;
    synchronized (this) {
      if (phase != WAITING) {
        return;
      }
      phase = DONE;
      endNanos = System.nanoTime();
      channel.channel().waitEnded();
      waited = pending || callClosed;
    }
    if (waited || nameResolutionDelayed(info)) {
      GrpcWaitTelemetry.get()
          .record(channel.target, method, stateAtStart, waitForReady, status, startNanos, endNanos, span);
    }
  }

  private static String statusName(Status status, ClientStreamTracer.StreamInfo info) {
    if (status.getCode() == Status.Code.CANCELLED) {
      Deadline deadline = info.getCallOptions().getDeadline();
      if (deadline != null && deadline.isExpired()) {
        return Status.Code.DEADLINE_EXCEEDED.name();
      }
    }
    return status.getCode().name();
  }

  private static boolean nameResolutionDelayed(ClientStreamTracer.StreamInfo info) {
    if (info == null || NAME_RESOLUTION_DELAYED == null) {
      return false;
    }
    Object delay = info.getCallOptions().getOption(NAME_RESOLUTION_DELAYED);
    return Boolean.TRUE.equals(delay) || (delay instanceof Long && (Long) delay > 0);
  }

  private static CallOptions.Key<?> nameResolutionDelayedKey() {
    try {
      return (CallOptions.Key<?>)
          ClientStreamTracer.class.getField("NAME_RESOLUTION_DELAYED").get(null);
    } catch (Throwable t) {
      Log.once("grpc-name-resolution", "no ClientStreamTracer.NAME_RESOLUTION_DELAYED in this grpc-java", null);
      return null;
    }
  }
}
