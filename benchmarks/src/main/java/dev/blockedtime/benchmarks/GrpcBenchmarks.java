package dev.blockedtime.benchmarks;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Unary gRPC calls on a ready loopback channel (grpc-netty-shaded): the path on which the
 * extension's interceptor and stream tracer must cost nothing measurable, since no call waits for
 * the channel. Throughput in calls per millisecond (higher is better). {@code
 * unaryCallOnReadyChannel}, one thread making one call at a time, measures latency: the mean
 * latency of a call is the inverse of its score. {@code unaryCallsFourThreads}, four threads on
 * the same channel, measures throughput with calls in flight at once.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GrpcBenchmarks {
  static final MethodDescriptor.Marshaller<String> UTF8 =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<String, String> ECHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("bench.Echo/Echo")
          .setRequestMarshaller(UTF8)
          .setResponseMarshaller(UTF8)
          .build();

  @State(Scope.Benchmark)
  public static class Loopback {
    Server server;
    ManagedChannel channel;

    @Setup
    public void start() throws IOException {
      ServerServiceDefinition service =
          ServerServiceDefinition.builder("bench.Echo")
              .addMethod(
                  ECHO,
                  ServerCalls.asyncUnaryCall(
                      (request, response) -> {
                        response.onNext(request);
                        response.onCompleted();
                      }))
              .build();
      server =
          Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
              .addService(service)
              .build()
              .start();
      channel =
          Grpc.newChannelBuilder("127.0.0.1:" + server.getPort(), InsecureChannelCredentials.create())
              .build();
      // warm the channel up to READY, so that no measured call waits for it
      ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "warm-up");
    }

    @TearDown
    public void stop() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Benchmark
  public String unaryCallOnReadyChannel(Loopback loopback) {
    return ClientCalls.blockingUnaryCall(loopback.channel, ECHO, CallOptions.DEFAULT, "ping");
  }

  @Benchmark
  @Threads(4)
  public String unaryCallsFourThreads(Loopback loopback) {
    return ClientCalls.blockingUnaryCall(loopback.channel, ECHO, CallOptions.DEFAULT, "ping");
  }
}
