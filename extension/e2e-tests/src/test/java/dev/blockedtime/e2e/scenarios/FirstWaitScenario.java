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
 * recorded wait to. Nothing else waits before. The JVM is left two seconds after start-up, as a
 * service is before its first request: what this checks is that the wait is recorded exactly (the
 * bug was 40-60 ms of lazy set-up inside the call), and in the first half second the JVM's own
 * compiler threads and the extension's warm-up still compete for the two CPUs of a CI machine, so a
 * preemption of this thread outside its wait could alone exceed the few milliseconds allowed (seen
 * under load with and without the warm-up's rehearsal). What the first wait costs at half a second
 * is FirstWaitBenchmarks' measure.
 */
public final class FirstWaitScenario {
  public static void main(String[] args) throws Exception {
    Thread.sleep(2_000);
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
