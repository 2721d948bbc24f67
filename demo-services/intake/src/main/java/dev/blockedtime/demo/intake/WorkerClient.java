package dev.blockedtime.demo.intake;

import dev.blockedtime.demo.common.WorkerRpc;
import dev.blockedtime.demo.common.WorkerRpc.OrderProcessed;
import dev.blockedtime.demo.common.WorkerRpc.ProcessOrder;
import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * intake's client of the worker: one channel for the process's life, and every call made with
 * wait-for-ready and a deadline. Wait-for-ready means a call does not fail at once while the
 * worker is unreachable (not started yet, restarting): it waits for the channel to become ready,
 * and the deadline bounds that wait. That wait is what {@code grpc.client.channel.wait.duration}
 * measures.
 */
final class WorkerClient implements AutoCloseable {
  private final String target;
  private final ManagedChannel channel;
  private final Duration deadline;

  WorkerClient(String target, Duration deadline) {
    this.target = target;
    this.deadline = deadline;
    this.channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
  }

  OrderProcessed process(ProcessOrder order) {
    CallOptions options = CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    return ClientCalls.blockingUnaryCall(channel, WorkerRpc.PROCESS, options, order);
  }

  String target() {
    return target;
  }

  ConnectivityState state() {
    return channel.getState(false);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
