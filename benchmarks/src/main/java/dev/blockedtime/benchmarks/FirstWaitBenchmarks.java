package dev.blockedtime.benchmarks;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The first wait of a JVM's application code: one timed {@code poll} of 10 ms on an empty queue,
 * half a second after the fork started, as a service's first request comes after its start-up.
 * Run it one shot per fork, many forks: {@code benchmarks/run.sh --forks 20 --wi 0 --i 1
 * FirstWaitBenchmarks}. The score is the call's time (µs/op, lower is better); the extension's
 * part is what it adds to the agent alone's: the one-time costs of the first wait (now paid by
 * its warm-up thread at start-up), and those of a first point of a new series and a new stack.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class FirstWaitBenchmarks {
  ArrayBlockingQueue<Object> queue;

  @Setup(Level.Trial)
  public void startUp() throws InterruptedException {
    Thread.sleep(500);
    queue = new ArrayBlockingQueue<>(1);
  }

  @Benchmark
  public Object firstTimedPoll() throws InterruptedException {
    return queue.poll(10, TimeUnit.MILLISECONDS);
  }
}
