package dev.blockedtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one check of blocked-time's deadlock detector costs: {@code
 * ThreadMXBean.findDeadlockedThreads()}, the call each check makes (the thread dumps that follow
 * happen only when the set of deadlocked threads changed). It is a VM operation at a safepoint,
 * so for its duration every application thread is stopped too; the detector runs it once per
 * {@code deadlock-detection-interval} (10 s by default) on its own thread.
 *
 * <p>{@code threads} live threads are parked meanwhile, as in a busy service: a quarter each
 * waiting for a held {@code ReentrantLock} (whose ownership the search follows), blocked on a
 * held monitor, waiting in {@code Object.wait}, and sleeping. No deadlock: the search finds
 * nothing, the common case. Average time per check; run it with {@code --configs none}: it
 * measures the JVM's work, which is the same with or without an agent.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DeadlockCheckBenchmarks {

  // One state class per thread count rather than a @Param: CompareRunner keeps one row per method
  // (named so that they sort by thread count).
  @State(Scope.Benchmark)
  public static class With100Threads extends ParkedThreads {
    public With100Threads() {
      super(100);
    }
  }

  @State(Scope.Benchmark)
  public static class With1000Threads extends ParkedThreads {
    public With1000Threads() {
      super(1000);
    }
  }

  @State(Scope.Benchmark)
  public static class With5000Threads extends ParkedThreads {
    public With5000Threads() {
      super(5000);
    }
  }

  @Benchmark
  public long[] check0100Threads(With100Threads s) {
    return s.mx.findDeadlockedThreads();
  }

  @Benchmark
  public long[] check1000Threads(With1000Threads s) {
    return s.mx.findDeadlockedThreads();
  }

  @Benchmark
  public long[] check5000Threads(With5000Threads s) {
    return s.mx.findDeadlockedThreads();
  }

  public abstract static class ParkedThreads {
    private final int threads;
    final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final ReentrantLock heldLock = new ReentrantLock();
    private final Object heldMonitor = new Object();
    private final Object waitMonitor = new Object();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> parked = new ArrayList<>();
    private Thread holder;

    ParkedThreads(int threads) {
      this.threads = threads;
    }

    @Setup(Level.Trial)
    public void park() throws InterruptedException {
      CountDownLatch holding = new CountDownLatch(1);
      holder = new Thread(() -> {
        heldLock.lock();
        synchronized (heldMonitor) {
          holding.countDown();
          awaitQuietly(release);
        }
        heldLock.unlock();
      }, "holder");
      holder.start();
      holding.await();
      for (int i = 0; i < threads; i++) {
        Runnable task;
        switch (i % 4) {
          case 0:
            task = () -> {
              heldLock.lock();
              heldLock.unlock();
            };
            break;
          case 1:
            task = () -> {
              synchronized (heldMonitor) {
                heldMonitor.hashCode();
              }
            };
            break;
          case 2:
            task = () -> {
              synchronized (waitMonitor) {
                while (release.getCount() > 0) {
                  try {
                    waitMonitor.wait();
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            };
            break;
          default:
            task = () -> awaitQuietly(release);
        }
        Thread t = new Thread(task, "parked-" + i);
        t.setDaemon(true);
        t.start();
        parked.add(t);
      }
      for (Thread t : parked) {
        while (t.getState() == Thread.State.RUNNABLE || t.getState() == Thread.State.NEW) {
          Thread.sleep(1);
        }
      }
    }

    @TearDown(Level.Trial)
    public void unpark() throws InterruptedException {
      release.countDown();
      synchronized (waitMonitor) {
        waitMonitor.notifyAll();
      }
      holder.join();
      for (Thread t : parked) {
        t.join();
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
