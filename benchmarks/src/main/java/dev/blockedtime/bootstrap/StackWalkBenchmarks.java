package dev.blockedtime.bootstrap;

import dev.blockedtime.benchmarks.Deep;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * The stack walk that gives a long wait its {@code code.stacktrace.hash}: {@link
 * Frames#waitingStack} at the default depth (8 frames), 16 frames below the application's frames
 * of JMH, as a wait finishing in application code would run it. Seen before: the stack is found
 * in {@link StackCache}; new: the cache is emptied first, so the walk builds the text and hash
 * (each frame's line number from the JVM). Without an agent ({@code --configs none}): it is the
 * core's code alone, on the class path (in this package, for its package-private parts).
 * Average time per walk, in nanoseconds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StackWalkBenchmarks {
  private static final Supplier<Object> SEEN_BEFORE = () -> Frames.waitingStack(8);
  private static final Supplier<Object> NEW =
      () -> {
        StackCache.clear();
        return Frames.waitingStack(8);
      };

  @Benchmark
  public Object waitingStackSeenBefore() {
    return Deep.call(16, SEEN_BEFORE);
  }

  @Benchmark
  public Object waitingStackNew() {
    return Deep.call(16, NEW);
  }

  /** What emptying the cache costs the benchmark above. */
  @Benchmark
  public Object emptyTheCache() {
    StackCache.clear();
    return this;
  }
}
