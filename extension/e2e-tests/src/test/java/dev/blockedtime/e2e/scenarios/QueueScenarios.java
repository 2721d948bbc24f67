package dev.blockedtime.e2e.scenarios;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Every queue case of the end-to-end suite, run one after another in one JVM. Each case builds its
 * queue in its own method, so the test tells the cases apart by {@code jvm.queue.name} (the
 * allocation site {@code ...QueueScenarios.<case>:<line>}).
 */
public final class QueueScenarios {
  static final long DELAY_MS = 200;

  public static void main(String[] args) throws Exception {
    emptyTakeInSpan();
    fullPut();
    timedPollGivesUp();
    interruptedTake();
    dequeVariants();
    priorityTake();
    delayTake();
    synchronousUnfair();
    synchronousFair();
    transferQueue();
    executorIdleWorker();
    subclassTake();
    neverWaits();
    System.out.println("DONE");
  }

  /** Runs {@code action} on a new thread after {@code delayMs}. */
  static Thread later(long delayMs, Checked action) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(delayMs);
                action.run();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    t.start();
    return t;
  }

  interface Checked {
    void run() throws Exception;
  }

  static void emptyTakeInSpan() throws Exception {
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    Tracer tracer = GlobalOpenTelemetry.getTracer("scenario");
    Span span = tracer.spanBuilder("consumer").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      later(DELAY_MS, () -> queue.put("x"));
      queue.take();
    } finally {
      span.end();
    }
  }

  static void fullPut() throws Exception {
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    queue.put("first");
    Thread consumer = later(DELAY_MS, queue::take);
    queue.put("second");
    consumer.join();
  }

  static void timedPollGivesUp() throws Exception {
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    if (queue.poll(100, TimeUnit.MILLISECONDS) != null) {
      throw new AssertionError("nothing was offered");
    }
  }

  static void interruptedTake() throws Exception {
    LinkedBlockingDeque<String> queue = new LinkedBlockingDeque<>();
    Thread taker =
        new Thread(
            () -> {
              try {
                queue.takeFirst();
              } catch (InterruptedException expected) {
                // the wait ends interrupted
              }
            });
    taker.start();
    Thread.sleep(150);
    taker.interrupt();
    taker.join();
  }

  static void dequeVariants() throws Exception {
    LinkedBlockingDeque<String> deque = new LinkedBlockingDeque<>(1);
    deque.putFirst("a");
    Thread consumer = later(100, deque::takeLast);
    deque.putLast("b"); // full: waits for the consumer
    consumer.join();
    if (deque.offerFirst("c", 50, TimeUnit.MILLISECONDS)) { // still full: gives up
      throw new AssertionError("deque should be full");
    }
    deque.clear();
    later(100, () -> deque.putLast("d"));
    deque.takeFirst();
    later(100, () -> deque.putFirst("e"));
    deque.pollLast(5, TimeUnit.SECONDS);
    later(100, () -> deque.put("f"));
    deque.take(); // BlockingQueue method of the deque: recorded as take, not take_first
  }

  static void priorityTake() throws Exception {
    PriorityBlockingQueue<Integer> queue = new PriorityBlockingQueue<>();
    later(100, () -> queue.put(1));
    queue.take();
  }

  static final class Delayed150 implements Delayed {
    final long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }
  }

  static void delayTake() throws Exception {
    DelayQueue<Delayed150> queue = new DelayQueue<>();
    queue.put(new Delayed150());
    queue.take(); // waits ~150 ms for the element to expire: one wait, however many parks
  }

  static void synchronousUnfair() throws Exception {
    SynchronousQueue<String> queue = new SynchronousQueue<>();
    Thread consumer = later(DELAY_MS, queue::take);
    queue.put("x"); // producer waits for a consumer
    consumer.join();
  }

  static void synchronousFair() throws Exception {
    SynchronousQueue<String> queue = new SynchronousQueue<>(true);
    later(DELAY_MS, () -> queue.put("x"));
    queue.take(); // consumer waits for a producer
  }

  static void transferQueue() throws Exception {
    LinkedTransferQueue<String> queue = new LinkedTransferQueue<>();
    Thread consumer = later(DELAY_MS, queue::take);
    queue.transfer("x");
    consumer.join();
    if (queue.tryTransfer("y", 100, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("nobody takes");
    }
    queue.clear();
    later(100, () -> queue.put("z"));
    queue.poll(5, TimeUnit.SECONDS);
    later(100, () -> queue.put("w"));
    queue.take();
  }

  static void executorIdleWorker() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    pool.submit(() -> {}).get();
    Thread.sleep(300); // the worker waits on the pool's queue
    pool.shutdown(); // interrupts the idle worker
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  static final class AuditedQueue<E> extends ArrayBlockingQueue<E> {
    AuditedQueue() {
      super(4);
    }

    @Override
    public E take() throws InterruptedException {
      return super.take();
    }
  }

  /** One subclass built at two places: two names, each where the application built it. */
  static void subclassTake() throws Exception {
    AuditedQueue<String> orders = new AuditedQueue<>();
    AuditedQueue<String> refunds = new AuditedQueue<>();
    later(100, () -> orders.put("x"));
    orders.take();
    later(100, () -> refunds.put("y"));
    refunds.take();
  }

  static void neverWaits() throws Exception {
    ArrayBlockingQueue<Integer> array = new ArrayBlockingQueue<>(16);
    LinkedBlockingQueue<Integer> linked = new LinkedBlockingQueue<>();
    for (int i = 0; i < 250_000; i++) {
      array.offer(i);
      array.poll();
      array.put(i);
      array.take();
      linked.offer(i);
      linked.poll();
      linked.put(i);
      linked.take();
    }
  }
}
