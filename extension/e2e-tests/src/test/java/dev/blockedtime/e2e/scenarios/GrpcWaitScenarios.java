package dev.blockedtime.e2e.scenarios;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channel-wait cases of the end-to-end suite, one after another in one JVM. Each case
 * uses methods of its own ({@code e2e.Echo/<Case><Stub>}), so the test tells them apart by {@code
 * grpc.method}; every call runs inside a span of its own named after the method, so the test can
 * find the agent's client span below it.
 *
 * <ul>
 *   <li>{@code late}: a fresh channel, no server; four wait-for-ready calls begin (blocking,
 *       future, async unary, and a server-streaming call), the server starts 500 ms later.
 *   <li>{@code ready}: the same channel, now ready: every stub kind again, none may wait.
 *   <li>{@code deadline}: wait-for-ready with a 300 ms deadline and no server, on a target with
 *       credentials in it.
 *   <li>{@code failfast}: a fail-fast call with no server (it waits while the channel connects,
 *       then fails), and one more on the channel now in transient failure (fails at once).
 * </ul>
 */
public final class GrpcWaitScenarios {
  static final long SERVER_DELAY_MS = 500;
  static final Tracer TRACER = GlobalOpenTelemetry.getTracer("scenario");

  public static void main(String[] args) throws Exception {
    System.out.println("GRPC_VERSION " + GrpcEcho.version());
    late();
    deadline();
    failFast();
    System.out.println("DONE");
  }

  static void late() throws Exception {
    int port = GrpcEcho.freePort();
    String target = "127.0.0.1:" + port;
    GrpcEcho.announce("late", target);
    MethodDescriptor<String, String> blocking = GrpcEcho.unary("LateBlocking");
    MethodDescriptor<String, String> future = GrpcEcho.unary("LateFuture");
    MethodDescriptor<String, String> async = GrpcEcho.unary("LateAsync");
    MethodDescriptor<String, String> stream = GrpcEcho.serverStreaming("LateStream");
    MethodDescriptor<String, String> readyBlocking = GrpcEcho.unary("ReadyBlocking");
    MethodDescriptor<String, String> readyFuture = GrpcEcho.unary("ReadyFuture");
    MethodDescriptor<String, String> readyAsync = GrpcEcho.unary("ReadyAsync");
    MethodDescriptor<String, String> readyStream = GrpcEcho.serverStreaming("ReadyStream");
    ManagedChannel channel = GrpcEcho.channel(target);
    CallOptions waitForReady = CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(20, TimeUnit.SECONDS);

    List<CompletableFuture<?>> calls = new ArrayList<>();
    calls.add(CompletableFuture.runAsync(() -> inSpan(blocking, () -> {
      ClientCalls.blockingUnaryCall(channel, blocking, waitForReady, "hello");
      return null;
    })));
    calls.add(inSpan(future, () -> toCompletable(
        ClientCalls.futureUnaryCall(channel.newCall(future, waitForReady), "hello"))));
    calls.add(inSpan(async, () -> asyncUnary(channel, async, waitForReady)));
    calls.add(inSpan(stream, () -> serverStream(channel, stream, waitForReady)));
    Thread.sleep(SERVER_DELAY_MS);
    Server server = GrpcEcho.startServer(port, blocking, future, async, stream,
        readyBlocking, readyFuture, readyAsync, readyStream);
    for (CompletableFuture<?> call : calls) {
      call.get(30, TimeUnit.SECONDS);
    }
    System.out.println("late: all four calls succeeded");

    // the channel is ready now: no call of any kind may wait
    for (int i = 0; i < 20; i++) {
      inSpan(readyBlocking, () -> ClientCalls.blockingUnaryCall(channel, readyBlocking, CallOptions.DEFAULT, "again"));
      inSpan(readyFuture, () -> ClientCalls.futureUnaryCall(channel.newCall(readyFuture, CallOptions.DEFAULT), "again"))
          .get(10, TimeUnit.SECONDS);
      inSpan(readyAsync, () -> asyncUnary(channel, readyAsync, CallOptions.DEFAULT)).get(10, TimeUnit.SECONDS);
    }
    inSpan(readyStream, () -> serverStream(channel, readyStream, CallOptions.DEFAULT)).get(10, TimeUnit.SECONDS);
    System.out.println("ready: 61 calls succeeded");
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    GrpcEcho.stop(server);
  }

  static void deadline() throws Exception {
    int port = GrpcEcho.freePort();
    // credentials in the target must not reach the telemetry
    String target = "dns:///user:secret@127.0.0.1:" + port;
    GrpcEcho.announce("deadline", target);
    MethodDescriptor<String, String> method = GrpcEcho.unary("DeadlineNoServer");
    ManagedChannel channel = GrpcEcho.channel(target);
    Status status = statusOf(() -> inSpan(method, () -> ClientCalls.blockingUnaryCall(
        channel, method,
        CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(300, TimeUnit.MILLISECONDS),
        "hello")));
    System.out.println("deadline: " + status.getCode());
    channel.shutdownNow();
  }

  static void failFast() throws Exception {
    int port = GrpcEcho.freePort();
    String target = "127.0.0.1:" + port;
    GrpcEcho.announce("failfast", target);
    MethodDescriptor<String, String> first = GrpcEcho.unary("FailFastNoServer");
    MethodDescriptor<String, String> again = GrpcEcho.unary("FailFastInTransientFailure");
    ManagedChannel channel = GrpcEcho.channel(target);
    Status status = statusOf(() -> inSpan(first, () -> ClientCalls.blockingUnaryCall(
        channel, first, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello")));
    System.out.println("failfast: " + status.getCode() + ", channel " + channel.getState(false));
    Status second = statusOf(() -> inSpan(again, () -> ClientCalls.blockingUnaryCall(
        channel, again, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello")));
    System.out.println("failfast again: " + second.getCode());
    channel.shutdownNow();
  }

  // ---------------------------------------------------------------- helpers

  interface Body<T> {
    T run() throws Exception;
  }

  /** Runs {@code body} inside a span named after the method (the client span's parent). */
  static <T> T inSpan(MethodDescriptor<?, ?> method, Body<T> body) {
    Span span = TRACER.spanBuilder("call " + method.getBareMethodName()).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return body.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      span.end();
    }
  }

  static Status statusOf(Runnable call) {
    try {
      call.run();
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  static <T> CompletableFuture<T> toCompletable(java.util.concurrent.Future<T> future) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return future.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  static CompletableFuture<String> asyncUnary(
      ManagedChannel channel, MethodDescriptor<String, String> method, CallOptions options) {
    CompletableFuture<String> done = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(channel.newCall(method, options), "hello", observer(done));
    return done;
  }

  static CompletableFuture<String> serverStream(
      ManagedChannel channel, MethodDescriptor<String, String> method, CallOptions options) {
    CompletableFuture<String> done = new CompletableFuture<>();
    ClientCalls.asyncServerStreamingCall(channel.newCall(method, options), "hello", observer(done));
    return done;
  }

  private static StreamObserver<String> observer(CompletableFuture<String> done) {
    return new StreamObserver<>() {
      @Override
      public void onNext(String value) {}

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete("ok");
      }
    };
  }
}
