package dev.blockedtime.benchmarks;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Building each covered resource, as services do per request: a latch to wait for a reply, a lock
 * per connection, a queue per batch. Throughput in constructions per microsecond; the object is
 * returned so that it escapes (JMH consumes it) and is really built.
 *
 * <p>With the extension, the application's {@code new T(...)} is followed by one call that names
 * and registers the resource ({@code Sites}); an application subclass is named by the fallback
 * stack walk ({@code orders}); {@code fixedThreadPool} builds an executor through {@code
 * Executors} (no thread starts before its first task).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class ConstructionBenchmarks {
  ReentrantLock owner;

  @Setup
  public void setup() {
    owner = new ReentrantLock();
  }

  /** An application subclass of a covered queue. */
  public static final class Orders extends ArrayBlockingQueue<Object> {
    public Orders() {
      super(16);
    }
  }

  static final class Never implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return Long.MAX_VALUE;
    }

    @Override
    public int compareTo(Delayed o) {
      return 0;
    }
  }

  @Benchmark
  public Object arrayBlockingQueue() {
    return new ArrayBlockingQueue<>(16);
  }

  @Benchmark
  public Object linkedBlockingQueue() {
    return new LinkedBlockingQueue<>();
  }

  @Benchmark
  public Object linkedBlockingDeque() {
    return new LinkedBlockingDeque<>();
  }

  @Benchmark
  public Object priorityBlockingQueue() {
    return new PriorityBlockingQueue<>();
  }

  @Benchmark
  public Object delayQueue() {
    return new DelayQueue<Never>();
  }

  @Benchmark
  public Object synchronousQueue() {
    return new SynchronousQueue<>();
  }

  @Benchmark
  public Object linkedTransferQueue() {
    return new LinkedTransferQueue<>();
  }

  @Benchmark
  public Object reentrantLock() {
    return new ReentrantLock();
  }

  @Benchmark
  public Object readWriteLock() {
    return new ReentrantReadWriteLock();
  }

  @Benchmark
  public Object stampedLock() {
    return new StampedLock();
  }

  @Benchmark
  public Object semaphore() {
    return new Semaphore(1);
  }

  @Benchmark
  public Object countDownLatch() {
    return new CountDownLatch(1);
  }

  @Benchmark
  public Object cyclicBarrier() {
    return new CyclicBarrier(2);
  }

  @Benchmark
  public Object phaser() {
    return new Phaser(1);
  }

  @Benchmark
  public Condition condition() {
    return owner.newCondition();
  }

  @Benchmark
  public Object subclass() {
    return new Orders();
  }

  @Benchmark
  public Object fixedThreadPool() {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    return pool;
  }

  @Benchmark
  public Object threadPoolExecutor() {
    return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
  }
}
