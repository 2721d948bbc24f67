package dev.blockedtime.e2e.scenarios.safety;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every queue type carries secrets, and every one of its operations waits long enough (well over
 * the 1 ms thresholds) to get a histogram point with a stack hash, a span event with the stack,
 * and a stack record: the elements waited with, for and on must never reach any of them.
 *
 * <p>Elements are strings containing {@link #MARKER} and {@link Secret} objects whose {@code
 * toString} returns it; their {@code toString}, {@code hashCode} and {@code equals} also count
 * calls made from the agent's or the extension's code (there must be none). The marker is built
 * here, never passed on the command line, which the agent exports as a resource attribute.
 */
public final class SecretElementsScenario {
  /** What the test looks for in everything exported. */
  public static final String MARKER = "s3cr3t-" + "c0rr3ct-h0rs3";

  private static final long DELAY_MS = 30;
  private static final AtomicInteger FOREIGN_CALLS = new AtomicInteger();
  private static final AtomicInteger SERIAL = new AtomicInteger();

  /** An element that is its secret, and notices who looks at it. */
  static final class Secret implements Delayed {
    final String text = MARKER + "-" + SERIAL.incrementAndGet();
    final long due;

    Secret(long delayMillis) {
      due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
    }

    Secret() {
      this(0);
    }

    @Override
    public String toString() {
      watch("toString");
      return text;
    }

    @Override
    public int hashCode() {
      watch("hashCode");
      return text.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      watch("equals");
      return o instanceof Secret && ((Secret) o).text.equals(text);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(due, ((Secret) o).due);
    }
  }

  /** A queue whose own {@code toString} would leak the secret, with its elements'. */
  static final class SecretQueue extends ArrayBlockingQueue<Object> {
    SecretQueue() {
      super(1);
    }

    @Override
    public String toString() {
      watch("queue.toString");
      return MARKER + super.toString();
    }

    @Override
    public int hashCode() {
      watch("queue.hashCode");
      return MARKER.hashCode();
    }
  }

  private static void watch(String what) {
    for (StackTraceElement e : new Throwable().getStackTrace()) {
      String cls = e.getClassName();
      if (cls.startsWith("dev.blockedtime.bootstrap.")
          || cls.startsWith("dev.blockedtime.javaagent.")
          || cls.startsWith("io.opentelemetry.")) {
        FOREIGN_CALLS.incrementAndGet();
        System.out.println("FOREIGN_CALL " + what + " from " + e);
        return;
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Tracer tracer = GlobalOpenTelemetry.getTracer("secrets");
    Span span = tracer.spanBuilder("handling-secrets").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      fullQueuePut(new ArrayBlockingQueue<>(1));
      fullQueuePut(new SecretQueue());
      fullQueuePut(new LinkedBlockingQueue<>(1));
      emptyQueueTake(new LinkedBlockingQueue<>());
      emptyQueueTake(new PriorityBlockingQueue<>());
      dequeVariants(new LinkedBlockingDeque<>(1));
      delayQueue(new DelayQueue<>());
      rendezvous(new SynchronousQueue<>());
      rendezvous(new SynchronousQueue<>(true));
      transfers(new LinkedTransferQueue<>());
      interruptedPut(new ArrayBlockingQueue<>(1));
    } finally {
      span.end();
    }
    System.out.println("RESULT secrets foreignCalls=" + FOREIGN_CALLS.get());
    System.out.println("DONE");
  }

  /** Runs {@code action} on another thread after the delay. */
  static Thread later(QueueActions action) {
    Thread t =
        new Thread(() -> {
          try {
            Thread.sleep(DELAY_MS);
            action.run();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }, "helper");
    t.start();
    return t;
  }

  interface QueueActions {
    void run() throws Exception;
  }

  static void fullQueuePut(BlockingQueue<Object> queue) throws Exception {
    queue.put(new Secret());
    Thread taker = later(() -> {
      queue.take();
      queue.take();
    });
    queue.put(MARKER + "-string-put"); // waits for space, the secret in hand
    if (queue.offer(new Secret(), DELAY_MS, TimeUnit.MILLISECONDS)) { // gives up, full again
      queue.take();
    }
    taker.join();
  }

  static void emptyQueueTake(BlockingQueue<Object> queue) throws Exception {
    later(() -> queue.put(new Secret()));
    queue.take(); // waits for the secret
    later(() -> queue.put(new Secret()));
    queue.poll(5, TimeUnit.SECONDS);
  }

  static void dequeVariants(LinkedBlockingDeque<Object> deque) throws Exception {
    deque.putFirst(new Secret());
    Thread taker = later(deque::takeLast);
    deque.putLast(MARKER + "-last"); // waits
    taker.join();
    deque.offerFirst(new Secret(), DELAY_MS, TimeUnit.MILLISECONDS); // full: gives up
    deque.clear();
    later(() -> deque.putFirst(new Secret()));
    deque.takeFirst();
    later(() -> deque.offerLast(new Secret()));
    deque.pollLast(5, TimeUnit.SECONDS);
  }

  static void delayQueue(DelayQueue<Secret> queue) throws Exception {
    queue.put(new Secret(DELAY_MS)); // the secret sits in the queue while the taker waits
    queue.take();
    queue.poll(DELAY_MS, TimeUnit.MILLISECONDS); // empty: gives up
  }

  static void rendezvous(SynchronousQueue<Object> queue) throws Exception {
    Thread taker = later(queue::take);
    queue.put(new Secret()); // waits for the taker
    taker.join();
    later(() -> queue.put(MARKER + "-handoff"));
    queue.take();
    queue.offer(new Secret(), DELAY_MS, TimeUnit.MILLISECONDS); // nobody takes
  }

  static void transfers(LinkedTransferQueue<Object> queue) throws Exception {
    Thread taker = later(queue::take);
    queue.transfer(new Secret()); // waits for the taker
    taker.join();
    queue.tryTransfer(new Secret(), DELAY_MS, TimeUnit.MILLISECONDS); // nobody takes
    later(() -> queue.put(MARKER + "-put"));
    queue.poll(5, TimeUnit.SECONDS);
  }

  static void interruptedPut(BlockingQueue<Object> queue) throws Exception {
    queue.put(new Secret());
    Thread putter =
        new Thread(() -> {
          try {
            queue.put(new Secret());
          } catch (InterruptedException expected) {
            // the wait ends interrupted, the secret never went in
          }
        }, "interrupted-putter");
    putter.start();
    Thread.sleep(DELAY_MS);
    putter.interrupt();
    putter.join();
  }
}
