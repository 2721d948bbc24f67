package dev.blockedtime.javaagent.grpc;

import dev.blockedtime.bootstrap.Log;
import io.grpc.Attributes;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * The tracer of one stream attempt of a call: forwards the three callbacks that matter to the
 * call's {@link CallWait}. gRPC calls each at most once per stream, on the threads described in
 * {@link ChannelWaitInterceptor}. Never throws into gRPC.
 */
final class StreamWait extends ClientStreamTracer {
  private final CallWait call;
  private final ClientStreamTracer.StreamInfo info;

  StreamWait(CallWait call, ClientStreamTracer.StreamInfo info) {
    this.call = call;
    this.info = info;
  }

  @Override
  public void createPendingStream() {
    try {
      call.streamPending();
    } catch (Throwable t) {
      Log.once("grpc-pending", "cannot record a gRPC channel wait", t);
    }
  }

  @Override
  public void streamCreated(Attributes transportAttrs, Metadata headers) {
    try {
      call.streamStarted(info);
    } catch (Throwable t) {
      Log.once("grpc-created", "cannot record a gRPC channel wait", t);
    }
  }

  @Override
  public void streamClosed(Status status) {
    try {
      call.streamClosed(status, info);
    } catch (Throwable t) {
      Log.once("grpc-closed", "cannot record a gRPC channel wait", t);
    }
  }
}
