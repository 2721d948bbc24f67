package dev.blockedtime.e2e.scenarios;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The first waits of a fresh JVM, each measured from outside: a queue's timed poll that gives up,
 * then a lock's timed tryLock that gives up, inside spans. Prints {@code MEASURED <what>
 * <call nanos> <start epoch nanos>}, the call's length and when it began, for the test to hold the
 * recorded wait to. The JVM is left half a second after start-up, as any service is before its
 * first request; nothing else waits before.
 */
public final class FirstWaitScenario {
  public static void main(String[] args) throws Exception {
    Thread.sleep(500);
    ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    ReentrantLock lock = new ReentrantLock();
    Thread holder = LockScenarios.holdFor(lock, 5_000);
    Span span = GlobalOpenTelemetry.getTracer("scenario").spanBuilder("first-wait").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Instant wall = Instant.now();
      long start = System.nanoTime();
      queue.poll(200, TimeUnit.MILLISECONDS);
      long took = System.nanoTime() - start;
      print("queue", took, wall);
      wall = Instant.now();
      start = System.nanoTime();
      lock.tryLock(200, TimeUnit.MILLISECONDS);
      took = System.nanoTime() - start;
      print("lock", took, wall);
    } finally {
      span.end();
    }
    holder.interrupt();
    holder.join();
    System.out.println("DONE");
  }

  static void print(String what, long took, Instant wall) {
    System.out.println(
        "MEASURED " + what + " " + took + " " + (wall.getEpochSecond() * 1_000_000_000L + wall.getNano()));
  }
}
