package dev.blockedtime.benchmarks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Locks and synchronizers. All throughput (higher is better), in operations per microsecond; one
 * operation is one acquire + a trivial critical section + one release.
 *
 * <p>The uncontended ones never wait (fast path only). {@code contendedReentrantLock} runs two
 * threads on one lock, so part of its acquisitions take the queued, parking slow path ({@code
 * AbstractQueuedSynchronizer.acquire}); {@code contendedSynchronized} does the same with a
 * monitor, whose contended enters are JFR {@code jdk.JavaMonitorEnter} events. Their score is the
 * sum over both threads.
 *
 * <p>Every trial starts only once blocked-time's monitor part is streaming, where the extension is
 * loaded ({@link MonitorPart}): the {@code synchronized} benchmarks measure with it on.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LockBenchmarks {

  /** One set of locks per thread: never contended. */
  @State(Scope.Thread)
  public static class Uncontended {
    ReentrantLock lock;
    Lock readLock;
    Semaphore semaphore;
    Object monitor;
    long counter;

    @Setup
    public void setup() throws InterruptedException {
      MonitorPart.awaitStreaming();
      lock = new ReentrantLock();
      readLock = new ReentrantReadWriteLock().readLock();
      semaphore = new Semaphore(1);
      monitor = new Object();
    }
  }

  @Benchmark
  public long reentrantLock(Uncontended s) {
    s.lock.lock();
    try {
      return ++s.counter;
    } finally {
      s.lock.unlock();
    }
  }

  @Benchmark
  public long readLock(Uncontended s) {
    s.readLock.lock();
    try {
      return s.counter;
    } finally {
      s.readLock.unlock();
    }
  }

  @Benchmark
  public long semaphore(Uncontended s) throws InterruptedException {
    s.semaphore.acquire();
    try {
      return ++s.counter;
    } finally {
      s.semaphore.release();
    }
  }

  @Benchmark
  public long synchronizedBlock(Uncontended s) {
    // The monitor is reachable from the JMH-held state object, so the JIT cannot elide the lock.
    synchronized (s.monitor) {
      return ++s.counter;
    }
  }

  /** One lock shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class Shared {
    ReentrantLock lock;
    ReentrantLock fairLock;
    final Object monitor = new Object();
    long counter;

    @Setup
    public void setup() throws InterruptedException {
      MonitorPart.awaitStreaming();
      lock = new ReentrantLock();
      fairLock = new ReentrantLock(true);
    }
  }

  @Benchmark
  @Threads(2)
  public long contendedReentrantLock(Shared s) {
    s.lock.lock();
    try {
      return ++s.counter;
    } finally {
      s.lock.unlock();
    }
  }

  /**
   * Eight threads on one lock on a machine with fewer CPUs, as in a service whose threads outnumber
   * its CPUs. An acquire that fails its fast path opens a wait that the extension records when the
   * acquire returns, while the thread holds the lock. Most acquires here do not wait (a thread
   * loses the CPU more often than it finds the lock held), so this bounds that cost only where
   * waits are a small share of the acquires.
   */
  @Benchmark
  @Threads(8)
  public long parkingReentrantLock(Shared s) {
    s.lock.lock();
    try {
      return ++s.counter;
    } finally {
      s.lock.unlock();
    }
  }

  /**
   * Four threads on one fair lock that each hold it for a hundred tokens of JMH's busy work and do
   * almost nothing outside it, on 2 CPUs: a fair lock goes to the thread that waited longest, so
   * under contention nearly every acquire parks and ends holding the lock, and each such wait is
   * recorded. (An unfair lock mostly goes back to the thread that released it, whose acquire does
   * not wait.) What the extension does while the waiter holds the lock delays every other thread of
   * the lock; run it with {@code --record-metrics}, so that the recording includes the SDK's
   * histogram.
   */
  @Benchmark
  @Threads(4)
  public void heldFairLock(Shared s) {
    s.fairLock.lock();
    try {
      Blackhole.consumeCPU(100);
    } finally {
      s.fairLock.unlock();
    }
    Blackhole.consumeCPU(5);
  }

  /**
   * As {@link #heldFairLock}, but 32 threads queue for the lock and each holds it for 20,000 tokens
   * (about 45 µs here), so that every wait lasts past the stack threshold (1 ms) and is walked:
   * where the walk runs decides whether the lock's other threads wait for it. Walked when the
   * acquire returns, it runs inside the critical section; walked before the thread parks (its last
   * wait on the lock was long, {@code BlockedTime.preWalk}), while another thread holds the lock.
   * Score: acquisitions per microsecond, all threads.
   */
  @Benchmark
  @Threads(32)
  public void longWaitsOnAFairLock(Shared s) {
    s.fairLock.lock();
    try {
      Blackhole.consumeCPU(20_000);
    } finally {
      s.fairLock.unlock();
    }
  }

  @Benchmark
  @Threads(2)
  public long contendedSynchronized(Shared s) {
    synchronized (s.monitor) {
      return ++s.counter;
    }
  }
}
