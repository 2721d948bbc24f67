package dev.blockedtime.stack;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The application StackIT runs under the agent. Three things at once:
 *
 * <ul>
 *   <li>a <b>pipeline</b>: producers that fill a small queue as fast as they can and a consumer that
 *       takes one item every 20 ms, so the producers are blocked on a full queue most of the time
 *       (the queue saturation alert) and the consumer's count is the application's pace;
 *   <li>a <b>checkout</b> every two seconds: one root span in which the thread waits on a full
 *       queue, on a held lock, and in a gRPC call whose server starts late (wait-for-ready), so one
 *       trace carries the three kinds of span events;
 *   <li>a <b>deadlock</b> of two threads, started once, that never ends.
 * </ul>
 *
 * <p>Prints, one line each: {@code progress consumed=N} every 500 ms, and {@code wait KIND
 * trace=ID start=MICROS end=MICROS} for each wait of a checkout, the epoch microseconds just before
 * the blocking call and just after it returned.
 */
public final class CheckoutApp {
  static final String SERVICE = "stack.Echo";
  static final String METHOD = SERVICE + "/Call";
  private static final long CONSUME_EVERY_MILLIS = 20;
  private static final long HOLD_MILLIS = 250;
  /** Each producer is blocked most of the time; three make well over the alert's 0.5 s/s. */
  private static final int PRODUCERS = 3;

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
  private static final MethodDescriptor<String, String> CALL =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(METHOD)
          .setRequestMarshaller(UTF8)
          .setResponseMarshaller(UTF8)
          .build();

  private CheckoutApp() {}

  public static void main(String[] args) throws Exception {
    AtomicLong consumed = new AtomicLong();
    startPipeline(consumed);
    daemon("progress", () -> {
      while (true) {
        System.out.println("progress consumed=" + consumed.get());
        sleep(500);
      }
    });
    daemon("deadlock-starter", () -> {
      sleep(3000); // after the first checkouts, so the first trace is not the deadlock's
      startDeadlock();
    });
    Tracer tracer = GlobalOpenTelemetry.getTracer("stack-e2e");
    while (true) {
      Span span = tracer.spanBuilder("checkout").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        checkout(span.getSpanContext().getTraceId());
      } catch (Exception e) {
        System.out.println("checkout failed: " + e);
      } finally {
        span.end();
      }
      sleep(2000);
    }
  }

  private static void startPipeline(AtomicLong consumed) {
    BlockingQueue<Integer> pipeline = new ArrayBlockingQueue<>(4);
    for (int p = 0; p < PRODUCERS; p++) {
      daemon("pipeline-producer-" + p, () -> {
        for (int i = 0; ; i++) {
          pipeline.put(i);
        }
      });
    }
    daemon("pipeline-consumer", () -> {
      while (true) {
        pipeline.take();
        consumed.incrementAndGet();
        sleep(CONSUME_EVERY_MILLIS);
      }
    });
  }

  private static void checkout(String traceId) throws Exception {
    // A full queue: a helper takes the one element after a while.
    BlockingQueue<String> orders = new ArrayBlockingQueue<>(1);
    orders.put("previous");
    later(() -> orders.take());
    long start = nowMicros();
    orders.put("order");
    print("queue", traceId, start);

    // A held lock: a helper holds it for a while. Spinning until it does keeps this thread from
    // recording a wait of its own before the one under test.
    ReentrantLock stock = new ReentrantLock();
    daemon("stock-holder", () -> {
      stock.lock();
      try {
        sleep(HOLD_MILLIS);
      } finally {
        stock.unlock();
      }
    });
    while (!stock.isLocked()) {
      Thread.onSpinWait();
    }
    start = nowMicros();
    stock.lock();
    stock.unlock();
    print("lock", traceId, start);

    // A gRPC call made while its server is not up yet: wait-for-ready waits for the channel.
    int port = freePort();
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    Server[] server = new Server[1];
    later(() -> server[0] = startServer(port));
    try {
      start = nowMicros();
      ClientCalls.blockingUnaryCall(channel, CALL, CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(20, TimeUnit.SECONDS), "order");
      print("grpc", traceId, start);
    } finally {
      channel.shutdownNow();
      while (server[0] == null) {
        sleep(10);
      }
      server[0].shutdownNow();
    }
  }

  private static void startDeadlock() {
    ReentrantLock left = new ReentrantLock();
    ReentrantLock right = new ReentrantLock();
    daemon("deadlock-left", () -> lockBoth(left, right));
    daemon("deadlock-right", () -> lockBoth(right, left));
  }

  private static void lockBoth(ReentrantLock first, ReentrantLock second) {
    first.lock();
    sleep(200);
    second.lock(); // never returns
  }

  private static Server startServer(int port) throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(CALL, ServerCalls.asyncUnaryCall((request, response) -> {
              response.onNext(request);
              response.onCompleted();
            }))
            .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        .addService(service)
        .build()
        .start();
  }

  private static void print(String kind, String traceId, long startMicros) {
    System.out.println("wait " + kind + " trace=" + traceId + " start=" + startMicros + " end=" + nowMicros());
  }

  private static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Runs the task on a new thread after HOLD_MILLIS. */
  private static void later(Task task) {
    daemon("later", () -> {
      sleep(HOLD_MILLIS);
      task.run();
    });
  }

  private static void daemon(String name, Task task) {
    Thread t = new Thread(() -> {
      try {
        task.run();
      } catch (Exception e) {
        System.out.println(name + " failed: " + e);
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private interface Task {
    void run() throws Exception;
  }
}
