package dev.blockedtime.benchmarks;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * Queue handoffs. All throughput (higher is better), in operations per microsecond.
 *
 * <ul>
 *   <li>{@code abqOfferPoll}, {@code lbqOfferPoll}: non-blocking {@code offer}+{@code poll} on one
 *       thread; never waits. The extension puts no advice on these methods, so this is the cost of
 *       merely having the queue class transformed (expected ratio ~1).
 *   <li>{@code abqPutTake}: blocking {@code put}+{@code take} on one thread, but the queue always
 *       has room/an element, so it never waits. These methods carry the extension's exit
 *       advice (one read of a counter): this is its cost on the path that does not wait.
 *   <li>{@code abqHandoff}: a producer thread doing {@code put} and a consumer doing {@code take}
 *       on an {@code ArrayBlockingQueue} of capacity 1, so nearly every operation parks. The score
 *       is the group's total: put ops + take ops per microsecond (2 per element handed over).
 *   <li>{@code lbdPutTake}: {@code abqPutTake} on a {@code LinkedBlockingDeque}, whose {@code put}
 *       and {@code take} the extension gives a copy of {@code putLast} and {@code takeFirst}
 *       (DequeDelegates): the copy's cost on the path that does not wait.
 *   <li>{@code lbdHandoff}: {@code abqHandoff} on a {@code LinkedBlockingDeque} of capacity 1:
 *       the deque's wait path, which named its waits with a stack walk before the copies.
 *   <li>{@code besideHandoffs}: {@code abqHandoff}'s two threads, and a third doing {@code
 *       abqPutTake} on a queue of its own, which never waits. Its score ({@code
 *       besideHandoffs:ownPutTake}) is the cost of the exit advice on a path that does not wait
 *       while other threads' waits open and close all the time, as in a service whose queues are
 *       busy.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class QueueBenchmarks {

  /** Capacity 1024: a single thread's offer+poll never finds it full or empty. */
  @State(Scope.Thread)
  public static class SingleThread {
    final Object element = new Object();
    BlockingQueue<Object> abq;
    BlockingQueue<Object> lbq;
    BlockingQueue<Object> lbd;

    @Setup
    public void setup() {
      abq = new ArrayBlockingQueue<>(1024);
      lbq = new LinkedBlockingQueue<>();
      lbd = new LinkedBlockingDeque<>(1024);
    }
  }

  @Benchmark
  public Object abqOfferPoll(SingleThread s, Blackhole bh) {
    bh.consume(s.abq.offer(s.element));
    return s.abq.poll();
  }

  @Benchmark
  public Object lbqOfferPoll(SingleThread s, Blackhole bh) {
    bh.consume(s.lbq.offer(s.element));
    return s.lbq.poll();
  }

  @Benchmark
  public Object abqPutTake(SingleThread s) throws InterruptedException {
    s.abq.put(s.element);
    return s.abq.take();
  }

  @Benchmark
  public Object lbdPutTake(SingleThread s) throws InterruptedException {
    s.lbd.put(s.element);
    return s.lbd.take();
  }

  /** Shared by the two threads of one {@code abqHandoff} group. */
  @State(Scope.Group)
  public static class Handoff {
    final Object element = new Object();
    BlockingQueue<Object> queue;

    @Setup
    public void setup() {
      queue = new ArrayBlockingQueue<>(1);
    }
  }

  /** Shared by the two threads of one {@code lbdHandoff} group. */
  @State(Scope.Group)
  public static class DequeHandoff {
    final Object element = new Object();
    BlockingQueue<Object> queue;

    @Setup
    public void setup() {
      queue = new LinkedBlockingDeque<>(1);
    }
  }

  /** Shared by the two threads of one {@code sqHandoff} group. */
  @State(Scope.Group)
  public static class RendezvousHandoff {
    final Object element = new Object();
    BlockingQueue<Object> queue;

    @Setup
    public void setup() {
      queue = new SynchronousQueue<>();
    }
  }

  /*
   * Why the Control checks: at the end of each iteration JMH keeps both threads calling their
   * method ("warm-down", not measured) until both have left the measured loop, then stops them.
   * A put or take that blocks at that moment could wait forever for a partner that has already
   * stopped. Control.stopMeasurement (one per iteration, shared by the group) is set when the
   * iteration's time is up, together with the flag that ends the measured loop, so from then on
   * both sides use the non-blocking variants, and the thread still looping in warm-down releases
   * a partner that was parked at that moment. Nothing measured changes: during measurement only
   * put and take are called.
   */

  @Benchmark
  @Group("abqHandoff")
  @GroupThreads(1)
  public void put(Handoff h, Control control) throws InterruptedException {
    put(h.queue, h.element, control);
  }

  static void put(BlockingQueue<Object> queue, Object element, Control control)
      throws InterruptedException {
    if (control.stopMeasurement) {
      queue.offer(element);
      return;
    }
    queue.put(element);
  }

  @Benchmark
  @Group("abqHandoff")
  @GroupThreads(1)
  public Object take(Handoff h, Control control) throws InterruptedException {
    return take(h.queue, control);
  }

  static Object take(BlockingQueue<Object> queue, Control control) throws InterruptedException {
    if (control.stopMeasurement) {
      return queue.poll();
    }
    return queue.take();
  }

  @Benchmark
  @Group("besideHandoffs")
  @GroupThreads(1)
  public void handoffPut(Handoff h, Control control) throws InterruptedException {
    put(h, control);
  }

  @Benchmark
  @Group("besideHandoffs")
  @GroupThreads(1)
  public Object handoffTake(Handoff h, Control control) throws InterruptedException {
    return take(h, control);
  }

  @Benchmark
  @Group("besideHandoffs")
  @GroupThreads(1)
  public Object ownPutTake(SingleThread s) throws InterruptedException {
    return abqPutTake(s);
  }

  /**
   * A {@code SynchronousQueue}'s producer and consumer: on JDK 25 most handoffs find the partner
   * while they spin in {@code DualNode.await}, without a park, and are not waits; the rest park.
   */
  @Benchmark
  @Group("sqHandoff")
  @GroupThreads(1)
  public void sqPut(RendezvousHandoff h, Control control) throws InterruptedException {
    put(h.queue, h.element, control);
  }

  @Benchmark
  @Group("sqHandoff")
  @GroupThreads(1)
  public Object sqTake(RendezvousHandoff h, Control control) throws InterruptedException {
    return take(h.queue, control);
  }

  @Benchmark
  @Group("lbdHandoff")
  @GroupThreads(1)
  public void lbdPut(DequeHandoff h, Control control) throws InterruptedException {
    put(h.queue, h.element, control);
  }

  @Benchmark
  @Group("lbdHandoff")
  @GroupThreads(1)
  public Object lbdTake(DequeHandoff h, Control control) throws InterruptedException {
    return take(h.queue, control);
  }
}
