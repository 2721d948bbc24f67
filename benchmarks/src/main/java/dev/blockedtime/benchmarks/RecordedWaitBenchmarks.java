package dev.blockedtime.benchmarks;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one recorded wait costs its thread, without the park: one thread's timed waits of a
 * nanosecond, which give up at once without parking, yet are waits the extension opens, closes
 * and records (outcome {@code timeout}). Every operation is a recorded wait, and nothing else
 * varies from operation to operation, so the agent + extension's time per operation minus the
 * agent alone's is the wait path's own cost: opening, closing, the span check and the recording
 * into the SDK's histogram (run it with {@code --record-metrics}, so the SDK aggregates for
 * real). Handoff benchmarks cannot show it: a park and a wake-up cost ten times more and vary
 * from fork to fork by more than that.
 *
 * <p>Throughput, operations per microsecond; each benchmark runs on one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RecordedWaitBenchmarks {

  @State(Scope.Thread)
  public static class Empty {
    ArrayBlockingQueue<Object> queue;
    Semaphore semaphore;

    @Setup
    public void setup() throws InterruptedException {
      MonitorPart.awaitStreaming();
      queue = new ArrayBlockingQueue<>(16);
      semaphore = new Semaphore(0);
    }
  }

  /** {@code poll(1, NANOSECONDS)} on an empty queue: a queue wait (its condition's timed await). */
  @Benchmark
  public Object queuePollTimeout(Empty s) throws InterruptedException {
    return s.queue.poll(1, TimeUnit.NANOSECONDS);
  }

  /** {@code tryAcquire(1, NANOSECONDS)} with no permit: a lock wait (the synchronizer's slow acquire). */
  @Benchmark
  public boolean semaphoreAcquireTimeout(Empty s) throws InterruptedException {
    return s.semaphore.tryAcquire(1, TimeUnit.NANOSECONDS);
  }
}
