package dev.blockedtime.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Futures that are already done: nothing waits. All throughput (higher is better), in operations
 * per microsecond. The extension's advice sits on the private slow paths ({@code
 * CompletableFuture.waitingGet}, {@code FutureTask.awaitDone}) that these calls never reach, so
 * the expected ratio against the agent alone is 1.
 *
 * <ul>
 *   <li>{@code completedJoin}: {@code join()} of a completed {@code CompletableFuture}.
 *   <li>{@code completedGet}: {@code get()} of a completed {@code CompletableFuture}.
 *   <li>{@code doneFutureTaskGet}: {@code get()} of a {@code FutureTask} that has run.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FutureBenchmarks {

  @State(Scope.Thread)
  public static class Done {
    CompletableFuture<Object> completed;
    FutureTask<Object> ran;

    @Setup
    public void setup() {
      completed = CompletableFuture.completedFuture(new Object());
      ran = new FutureTask<>(Object::new);
      ran.run();
    }
  }

  @Benchmark
  public Object completedJoin(Done d) {
    return d.completed.join();
  }

  @Benchmark
  public Object completedGet(Done d) throws InterruptedException, ExecutionException {
    return d.completed.get();
  }

  @Benchmark
  public Object doneFutureTaskGet(Done d) throws InterruptedException, ExecutionException {
    return d.ran.get();
  }
}
