package dev.blockedtime.javaagent.grpc;

import dev.blockedtime.bootstrap.GrpcChannels;
import dev.blockedtime.bootstrap.Log;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.lang.ref.WeakReference;

/**
 * Follows one channel's state with {@code notifyWhenStateChanged}: each callback reads the new
 * state, reports it to the channel's {@link GrpcChannels.Channel} and arms the next one-shot
 * callback, until the channel shuts down. No polling.
 *
 * <p>{@link #run} is called by the channel's executor, once per state change (gRPC calls it at once
 * if the state already differs from the one the callback was armed with, so no change is lost
 * between reading the state and re-arming). It holds the channel weakly: the channel keeps this
 * callback, and must not be kept alive by it; a channel dropped without {@code shutdown()} leaves
 * the table when it is collected.
 */
final class ChannelStateWatcher implements Runnable {
  private final WeakReference<ManagedChannel> channel;
  private final GrpcChannels.Channel tracked;

  private ChannelStateWatcher(ManagedChannel channel, GrpcChannels.Channel tracked) {
    this.channel = new WeakReference<>(channel);
    this.tracked = tracked;
  }

  static void watch(ManagedChannel channel, GrpcChannels.Channel tracked, ConnectivityState now) {
    if (now != ConnectivityState.SHUTDOWN) {
      channel.notifyWhenStateChanged(now, new ChannelStateWatcher(channel, tracked));
    }
  }

  @Override
  public void run() {
    try {
      ManagedChannel ch = channel.get();
      if (ch == null) {
        tracked.state(GrpcChannels.SHUTDOWN);
        return;
      }
      ConnectivityState now = ch.getState(false);
      tracked.state(name(now));
      if (now != ConnectivityState.SHUTDOWN) {
        ch.notifyWhenStateChanged(now, this);
      }
    } catch (Throwable t) {
      Log.once("grpc-state", "cannot follow a gRPC channel's state", t);
    }
  }

  /** The contract's name for a state (no switch: that would need a synthetic helper class). */
  static String name(ConnectivityState state) {
    if (state == ConnectivityState.READY) {
      return GrpcChannels.READY;
    }
    if (state == ConnectivityState.IDLE) {
      return GrpcChannels.IDLE;
    }
    if (state == ConnectivityState.CONNECTING) {
      return GrpcChannels.CONNECTING;
    }
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      return GrpcChannels.TRANSIENT_FAILURE;
    }
    return GrpcChannels.SHUTDOWN;
  }
}
