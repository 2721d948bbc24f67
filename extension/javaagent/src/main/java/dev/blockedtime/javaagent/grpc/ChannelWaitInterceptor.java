package dev.blockedtime.javaagent.grpc;

import dev.blockedtime.bootstrap.GrpcChannels;
import dev.blockedtime.bootstrap.Log;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.Iterator;
import java.util.List;

/**
 * One channel's instrumentation: the interceptor that the build hook adds to the channel, and that
 * attaches a {@link CallWait} to each of its calls.
 *
 * <p>When each hook fires, on which thread, how often:
 *
 * <ul>
 *   <li>{@link #addTo} — entry of the builder's {@code build()}, on the thread that builds the
 *       channel, once per channel. Puts a new interceptor into the builder's list just inside the
 *       agent's tracing interceptor (replacing one an earlier {@code build()} of the same builder
 *       added, so each channel has its own).
 *   <li>{@link #bind} — exit of {@code build()}, same thread: registers the channel in the
 *       JVM-wide {@link GrpcChannels} table (weakly) and starts a {@link ChannelStateWatcher}.
 *   <li>{@link #interceptCall} — on the thread that creates a call, once per call, inside the
 *       agent's interceptor, so the call's client span is current. Reads the channel's last
 *       reported state (one volatile read). On a ready channel the call gets a {@link CallWait}
 *       stream tracer factory and nothing else: no clock read, no wrapper. On any other channel the
 *       call will most likely wait, so it also reads the clock, takes the current span, and is
 *       wrapped ({@link WaitingCall}): its {@code start()} (the starting thread, once) begins the
 *       wait, and its listener's {@code onClose} (the call's executor, once) ends a wait that no
 *       stream ended, with the call's own status.
 *   <li>The stream tracer callbacks ({@link StreamWait}), once per stream attempt (retries and
 *       hedging make more attempts): {@code createPendingStream} (the starting thread, only when
 *       no transport was ready) begins the wait if it has not begun; {@code streamCreated} (the
 *       thread that puts the stream on a ready transport: the starting thread, or the channel's
 *       executor once a buffered stream is processed) ends it with {@code OK}; {@code
 *       streamClosed} of a stream that never reached a transport ends the wait of an unwrapped
 *       call with the closing status.
 *   <li>{@link ChannelStateWatcher#run} — the channel's executor, once per state change.
 * </ul>
 *
 * <p>Public, as are {@link #addTo} and {@link #bind}, because the advice inlined into the builder
 * (another class of the same loader, not of this package) calls them.
 */
public final class ChannelWaitInterceptor implements ClientInterceptor {
  private static final boolean SUPPORTED = supportedGrpcVersion();

  /** As given to the builder, without credentials. */
  final String target;

  // Written once by bind(), on the building thread, before build() returns the channel.
  private volatile GrpcChannels.Channel channel;
  // True from addTo() until the build() that added this interceptor returned or threw.
  private volatile boolean building = true;

  private ChannelWaitInterceptor(String target) {
    this.target = target;
  }

  /** Entry of {@code build()}: returns the interceptor added to {@code interceptors}, or null. */
  public static ChannelWaitInterceptor addTo(List<?> interceptors, String target) {
    if (!SUPPORTED) {
      return null;
    }
    @SuppressWarnings("unchecked")
    List<ClientInterceptor> list = (List<ClientInterceptor>) interceptors;
    for (Iterator<ClientInterceptor> it = list.iterator(); it.hasNext(); ) {
      ClientInterceptor existing = it.next();
      if (existing instanceof ChannelWaitInterceptor) {
        if (((ChannelWaitInterceptor) existing).building) {
          return null; // a build() of this builder inside another: the outer one instruments
        }
        it.remove(); // an earlier build() of this builder: that channel keeps its own copy
      }
    }
    ChannelWaitInterceptor interceptor =
        new ChannelWaitInterceptor(GrpcTargets.withoutCredentials(target));
    // The list's first interceptor runs last, closest to the channel; the agent puts its own at 0.
    // Ours goes right below it, so it runs inside it, with the client span current.
    list.add(agentInterceptorIndex(list), interceptor);
    return interceptor;
  }

  private static int agentInterceptorIndex(List<ClientInterceptor> list) {
    for (int i = 0; i < list.size(); i++) {
      String name = list.get(i).getClass().getName();
      if (name.startsWith("io.opentelemetry.") && name.endsWith(".TracingClientInterceptor")) {
        return i;
      }
    }
    return 0;
  }

  /**
   * Exit of {@code build()}: starts tracking the channel the application got ({@code null} when
   * {@code build()} threw: this interceptor then stays inert, and the next build replaces it).
   */
  public void bind(ManagedChannel built) {
    building = false;
    if (built == null) {
      return;
    }
    try {
      GrpcWaitTelemetry.get(); // the instruments, and the gauges once per JVM
      ConnectivityState state = built.getState(false);
      channel = GrpcChannels.register(built, target, ChannelStateWatcher.name(state));
      ChannelStateWatcher.watch(built, channel, state);
    } catch (Throwable t) {
      Log.once("grpc-bind", "cannot follow a gRPC channel's state; its calls are not recorded", t);
    }
  }

  /** The channel's state as last reported by its state callback. */
  String state() {
    return channel.state();
  }

  GrpcChannels.Channel channel() {
    return channel;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
    CallWait wait = null;
    CallOptions options = callOptions;
    GrpcChannels.Channel tracked = channel;
    String state = tracked != null ? tracked.state() : GrpcChannels.SHUTDOWN;
    // untracked (its build() failed), or shut down: a call then fails at once, not a wait
    if (state != GrpcChannels.SHUTDOWN) {
      try {
        wait =
            new CallWait(
                this,
                method.getFullMethodName(),
                callOptions.isWaitForReady(),
                state == GrpcChannels.READY ? null : state);
        options = callOptions.withStreamTracerFactory(wait);
      } catch (Throwable t) {
        wait = null;
        options = callOptions;
        Log.once("grpc-intercept", "cannot instrument a gRPC call; it is not recorded", t);
      }
    }
    ClientCall<Q, R> call = next.newCall(method, options);
    return wait == null || wait.readyAtStart ? call : new WaitingCall<>(call, wait);
  }

  /** Both callbacks the waits rely on must exist (grpc-java 1.40 and later); else hands off. */
  private static boolean supportedGrpcVersion() {
    try {
      ClientStreamTracer.class.getMethod("createPendingStream");
      ClientStreamTracer.class.getMethod("streamCreated", io.grpc.Attributes.class, Metadata.class);
      return true;
    } catch (Throwable t) {
      Log.once(
          "grpc-version",
          "this grpc-java has no ClientStreamTracer.createPendingStream/streamCreated (1.40+);"
              + " gRPC channel waits are not recorded",
          null);
      return false;
    }
  }
}
