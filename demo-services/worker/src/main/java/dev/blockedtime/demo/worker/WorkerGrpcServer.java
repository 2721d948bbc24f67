package dev.blockedtime.demo.worker;

import dev.blockedtime.demo.common.WorkerRpc;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's gRPC server ({@code blockedtime.demo.Worker/Process}), which can be stopped and
 * started again on the same port while the JVM runs: the {@code down} scenario. Stopping is {@code
 * shutdownNow()}: calls in flight fail with UNAVAILABLE and connections close, as when a process
 * dies; clients that call with wait-for-ready then wait for their channel until it comes back or
 * their deadline passes.
 */
final class WorkerGrpcServer {
  private final InetSocketAddress address;
  private final ExecutorService executor;
  private final ServerServiceDefinition service;
  private final AtomicLong calls = new AtomicLong();
  private Server server; // guarded by this

  WorkerGrpcServer(InetSocketAddress address, Inventory inventory, ExecutorService executor) {
    this.address = address;
    this.executor = executor;
    this.service =
        ServerServiceDefinition.builder(WorkerRpc.SERVICE)
            .addMethod(
                WorkerRpc.PROCESS,
                ServerCalls.asyncUnaryCall(
                    (order, reply) -> {
                      calls.incrementAndGet();
                      try {
                        reply.onNext(inventory.reserve(order));
                        reply.onCompleted();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        reply.onError(Status.CANCELLED.withDescription("worker stopping").asRuntimeException());
                      }
                    }))
            .build();
  }

  synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    server = NettyServerBuilder.forAddress(address).addService(service).executor(executor).build().start();
    System.out.printf("[worker] gRPC server listening on %s%n", address);
  }

  synchronized void stop() throws InterruptedException {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
    server = null;
    System.out.printf("[worker] gRPC server on %s stopped%n", address);
  }

  synchronized boolean isServing() {
    return server != null;
  }

  long calls() {
    return calls.get();
  }
}
