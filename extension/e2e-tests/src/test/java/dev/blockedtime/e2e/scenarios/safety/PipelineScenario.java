package dev.blockedtime.e2e.scenarios.safety;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small pipeline that waits all the time: two producers do some work per item and put it on a
 * short queue; two consumers take, do some work in a span per batch, and update shared totals
 * under a lock. Producers wait when the queue is full, consumers when it is empty or the lock is
 * taken, so the extension records waits, span events and stack records all the time, and hands
 * them to the exporter.
 *
 * <p>Runs only when told to, so that a test can measure several JVMs in turn (interleaved, so
 * that the load the rest of the machine puts on them evens out): prints {@code READY} after a
 * warm-up, then for each line {@code ROUND <n>} on stdin runs the pipeline for {@code roundMillis}
 * and prints {@code RESULT pipeline round=<n> items=N ms=N}; {@code END} ends it. Argument: round
 * millis.
 */
public final class PipelineScenario {
  static final int BATCH = 100;
  static final int WORK = 400; // ~10-20 µs of arithmetic per item and stage

  private static final BlockingQueue<long[]> QUEUE = new ArrayBlockingQueue<>(8);
  private static final ReentrantLock TOTALS = new ReentrantLock();
  private static final AtomicLong CONSUMED = new AtomicLong();
  private static long total; // guarded by TOTALS
  private static volatile boolean producing = true;
  private static volatile boolean running = true;

  public static void main(String[] args) throws Exception {
    long roundMillis = Long.parseLong(args[0]);
    Tracer tracer = GlobalOpenTelemetry.getTracer("pipeline");
    List<Thread> threads =
        List.of(
            new Thread(PipelineScenario::produce, "producer-1"),
            new Thread(PipelineScenario::produce, "producer-2"),
            new Thread(() -> consume(tracer), "consumer-1"),
            new Thread(() -> consume(tracer), "consumer-2"));
    for (Thread t : threads) {
      t.setDaemon(true);
      t.start();
    }
    Thread.sleep(3000); // warm-up: JIT, series, stacks
    producing = false;
    System.out.println("READY");
    System.out.flush();
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = stdin.readLine()) != null && !line.trim().equals("END")) {
      if (!line.startsWith("ROUND ")) {
        continue;
      }
      long before = CONSUMED.get();
      long start = System.nanoTime();
      producing = true;
      Thread.sleep(roundMillis);
      producing = false;
      long items = CONSUMED.get() - before;
      long ms = (System.nanoTime() - start) / 1_000_000;
      Thread.sleep(50); // the queue drains before the next JVM's round
      Safety.result("pipeline", "round", line.substring(6).trim(), "items", items, "ms", ms);
    }
    running = false;
    producing = true;
    for (Thread t : threads) {
      t.join(5_000);
    }
    System.out.println("DONE total=" + total);
  }

  private static long work(long seed) {
    long x = seed;
    for (int i = 0; i < WORK; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    return x;
  }

  private static void produce() {
    long n = 0;
    try {
      while (running) {
        if (!producing) {
          Thread.sleep(5); // paused between rounds: no queue, no lock, nothing recorded
          continue;
        }
        long[] item = {work(n++)};
        while (!QUEUE.offer(item, 10, TimeUnit.MILLISECONDS)) {
          if (!running) {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void consume(Tracer tracer) {
    try {
      while (running) {
        Span span = tracer.spanBuilder("batch").startSpan();
        try (Scope ignored = span.makeCurrent()) {
          for (int i = 0; i < BATCH && running; i++) {
            long[] item = QUEUE.poll(10, TimeUnit.MILLISECONDS);
            if (item == null) {
              continue;
            }
            long value = work(item[0]);
            TOTALS.lock();
            try {
              total += value & 1;
            } finally {
              TOTALS.unlock();
            }
            CONSUMED.incrementAndGet();
          }
        } finally {
          span.end();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
