package dev.blockedtime.e2e.scenarios;

import dev.blockedtime.e2e.harness.ScenarioSupport;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC echo service for the scenarios, without code generation: string messages, hand-written
 * method descriptors, a Netty server bound to 127.0.0.1. Works with every gRPC line the suite runs
 * (compiled against the newest, run against older ones too).
 */
public final class GrpcEcho {
  public static final String SERVICE = "e2e.Echo";
  /** How many messages a server-streaming method sends back. */
  public static final int STREAM_MESSAGES = 3;

  private static final MethodDescriptor.Marshaller<String> UTF8 =
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

  private GrpcEcho() {}

  /** {@code e2e.Echo/<name>}, unary. */
  public static MethodDescriptor<String, String> unary(String name) {
    return method(name, MethodDescriptor.MethodType.UNARY);
  }

  /** {@code e2e.Echo/<name>}, server streaming. */
  public static MethodDescriptor<String, String> serverStreaming(String name) {
    return method(name, MethodDescriptor.MethodType.SERVER_STREAMING);
  }

  private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(UTF8)
        .setResponseMarshaller(UTF8)
        .build();
  }

  /** Starts a server on 127.0.0.1:port that echoes every given method. */
  @SafeVarargs
  public static Server startServer(int port, MethodDescriptor<String, String>... methods) {
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(SERVICE);
    for (MethodDescriptor<String, String> m : methods) {
      if (m.getType() == MethodDescriptor.MethodType.UNARY) {
        service.addMethod(
            m,
            ServerCalls.asyncUnaryCall(
                (request, response) -> {
                  response.onNext(request);
                  response.onCompleted();
                }));
      } else {
        service.addMethod(
            m,
            ServerCalls.asyncServerStreamingCall(
                (request, response) -> {
                  for (int i = 0; i < STREAM_MESSAGES; i++) {
                    response.onNext(request + i);
                  }
                  response.onCompleted();
                }));
      }
    }
    try {
      return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
          .withOption(ChannelOption.SO_REUSEADDR, true) // restarts on the same port
          .addService(service.build())
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the echo server on port " + port, e);
    }
  }

  public static void stop(Server server) throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** A plaintext channel built through the public builder API, as applications do. */
  public static ManagedChannel channel(String target) {
    return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
  }

  /** A loopback port nothing listens on (free when asked). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The gRPC version on the class path, read at run time (the constant would be inlined). */
  public static String version() {
    try {
      java.lang.reflect.Field f =
          Class.forName("io.grpc.internal.GrpcUtil").getDeclaredField("IMPLEMENTATION_VERSION");
      f.setAccessible(true); // private in older lines
      return String.valueOf(f.get(null));
    } catch (ReflectiveOperationException e) {
      return "unknown";
    }
  }

  /** Prints {@code TARGET <name> <target>} so the test can find the channel's series. */
  public static void announce(String name, String target) {
    ScenarioSupport.mark("TARGET " + name + " " + target);
  }
}
