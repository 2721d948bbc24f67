package dev.blockedtime.e2e.scenarios;

import static dev.blockedtime.e2e.harness.ScenarioSupport.awaitExport;
import static dev.blockedtime.e2e.harness.ScenarioSupport.awaitSignal;
import static dev.blockedtime.e2e.harness.ScenarioSupport.mark;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One channel through its life, step by step on the test's signal, so the test can read the
 * channel gauges at each step: idle, ready once the server starts, out of ready when the server
 * stops, ready again after a restart, a call waiting for seconds while the server is down, then
 * thousands of channels created and dropped, and finally the channel shut down.
 */
public final class GrpcChannelStateScenario {
  public static final String LEAK_TARGET = "leak.invalid:443";
  public static final int LEAK_CHANNELS = 2000;
  public static final long LONG_WAIT_MS = 3000;

  // dropped channels are the point of the leak step: grpc-java would log each one at SEVERE
  private static final Logger ORPHAN_LOG =
      Logger.getLogger("io.grpc.internal.ManagedChannelOrphanWrapper");

  public static void main(String[] args) throws Exception {
    ORPHAN_LOG.setLevel(Level.OFF);
    int port = GrpcEcho.freePort();
    String target = "127.0.0.1:" + port;
    MethodDescriptor<String, String> ping = GrpcEcho.unary("Ping");
    MethodDescriptor<String, String> longWait = GrpcEcho.unary("LongWait");
    ManagedChannel channel = GrpcEcho.channel(target);
    GrpcEcho.announce("state", target);
    awaitExport();
    mark("STEP idle");

    awaitSignal("start");
    Server server = GrpcEcho.startServer(port, ping, longWait);
    awaitState(channel, ConnectivityState.READY);
    awaitExport();
    mark("STEP ready");

    awaitSignal("stop");
    GrpcEcho.stop(server);
    ConnectivityState down = awaitNotReady(channel);
    awaitExport();
    mark("STEP stopped " + down);

    awaitSignal("restart");
    server = GrpcEcho.startServer(port, ping, longWait);
    ClientCalls.blockingUnaryCall(channel, ping, CallOptions.DEFAULT.withWaitForReady(), "ping");
    awaitState(channel, ConnectivityState.READY);
    awaitExport();
    mark("STEP ready-again");

    awaitSignal("long-wait");
    GrpcEcho.stop(server);
    awaitNotReady(channel);
    CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        ClientCalls.blockingUnaryCall(channel, longWait, CallOptions.DEFAULT.withWaitForReady()
            .withDeadlineAfter(LONG_WAIT_MS, TimeUnit.MILLISECONDS), "wait");
        return "OK";
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode().name();
      }
    });
    mark("STEP waiting");
    String ended = waiting.get(30, TimeUnit.SECONDS);
    awaitExport();
    mark("STEP wait-ended " + ended);

    awaitSignal("leak");
    List<ManagedChannel> many = new ArrayList<>();
    for (int i = 0; i < LEAK_CHANNELS; i++) {
      many.add(GrpcEcho.channel(LEAK_TARGET));
    }
    awaitExport();
    mark("STEP leak-held " + many.size());

    awaitSignal("drop");
    WeakReference<ManagedChannel> dropped = new WeakReference<>(many.get(many.size() - 1));
    for (int i = 0; i < many.size() / 2; i++) {
      many.get(i).shutdownNow(); // half shut down, half simply dropped
    }
    many = null;
    boolean collected = false;
    for (int i = 0; i < 100 && !collected; i++) {
      System.gc();
      Thread.sleep(50);
      collected = dropped.get() == null;
    }
    awaitExport();
    mark("STEP leak-dropped collected=" + collected);

    awaitSignal("shutdown");
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    awaitExport();
    mark("STEP shutdown");
    awaitSignal("exit"); // exports go on while the test checks the channel is gone
    System.out.println("DONE");
  }

  static void awaitState(ManagedChannel channel, ConnectivityState wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (channel.getState(true) != wanted) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("channel not " + wanted + ": " + channel.getState(false));
      }
      Thread.sleep(10);
    }
  }

  static ConnectivityState awaitNotReady(ManagedChannel channel) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    ConnectivityState s;
    while ((s = channel.getState(false)) == ConnectivityState.READY) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("channel still READY");
      }
      Thread.sleep(10);
    }
    return s;
  }
}
