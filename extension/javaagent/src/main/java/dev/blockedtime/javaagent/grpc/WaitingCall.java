package dev.blockedtime.javaagent.grpc;

import dev.blockedtime.bootstrap.Log;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * A call made while its channel was not ready: {@code start()} begins the wait (so it covers name
 * resolution and connecting from the very start of the call), and {@code onClose} ends a wait that
 * no stream ended, such as a deadline that expired before name resolution finished. Calls on a
 * ready channel are never wrapped.
 */
final class WaitingCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
  private final CallWait wait;

  WaitingCall(ClientCall<Q, R> delegate, CallWait wait) {
    super(delegate);
    this.wait = wait;
  }

  @Override
  public void start(ClientCall.Listener<R> listener, Metadata headers) {
    ClientCall.Listener<R> wrapped = listener;
    try {
      wait.callStarted();
      wrapped = new WaitingListener<>(listener, wait);
    } catch (Throwable t) {
      Log.once("grpc-start", "cannot record a gRPC channel wait", t);
    }
    try {
      super.start(wrapped, headers);
    } catch (RuntimeException | Error e) {
      wait.abandon();
      throw e;
    }
  }

  static final class WaitingListener<R>
      extends ForwardingClientCallListener.SimpleForwardingClientCallListener<R> {
    private final CallWait wait;

    WaitingListener(ClientCall.Listener<R> delegate, CallWait wait) {
      super(delegate);
      this.wait = wait;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      try {
        wait.callClosed(status);
      } catch (Throwable t) {
        Log.once("grpc-close", "cannot record a gRPC channel wait", t);
      }
      super.onClose(status, trailers);
    }
  }
}
