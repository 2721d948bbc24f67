package dev.blockedtime.e2e.scenarios.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Eight producers and eight consumers on one queue, every element numbered, for each queue type
 * the extension instruments. Thread {@code i} of each side uses variant {@code i % 3}: blocking
 * calls, timed calls with short timeouts retried until they go through, or blocking calls that an
 * interrupter thread keeps interrupting (and that retry). A consumer counts every element it
 * gets; at the end each element must have arrived exactly once and every thread must have ended.
 *
 * <p>The workload is fixed (elements per producer), so its result line is the same with and
 * without the extension. After the run every worker makes one timed {@code poll} on an empty
 * probe queue: one recorded wait per worker, which the test counts to prove that no thread's
 * wait tracking was left in a bad state by the run.
 *
 * <p>Each queue is built in its own factory method, which is its allocation site and so its
 * {@code jvm.queue.name}: {@code QueueStress.<factory>:<line>}.
 */
public final class QueueStress {
  public static final int PRODUCERS = 8;
  public static final int CONSUMERS = 8;
  private static final long TIMEOUT_MS = 30_000;
  private static final long[] SHORT_TIMEOUTS_NANOS = {50_000, 200_000, 1_000_000};

  public enum Workload {
    ARRAY("arrayBlockingQueue", 12_000),
    LINKED("linkedBlockingQueue", 12_000),
    DEQUE("linkedBlockingDeque", 12_000),
    PRIORITY("priorityBlockingQueue", 30_000),
    DELAY("delayQueue", 30_000),
    SYNCHRONOUS_UNFAIR("synchronousQueueUnfair", 4_000),
    SYNCHRONOUS_FAIR("synchronousQueueFair", 4_000),
    TRANSFER("linkedTransferQueue", 4_000);

    /** The factory method that builds the queue: the start of its {@code jvm.queue.name}. */
    public final String factory;

    final int perProducer;

    Workload(String factory, int perProducer) {
      this.factory = factory;
      this.perProducer = perProducer;
    }
  }

  static BlockingQueue<Item> arrayBlockingQueue() {
    return new ArrayBlockingQueue<>(16);
  }

  static BlockingQueue<Item> linkedBlockingQueue() {
    return new LinkedBlockingQueue<>(16);
  }

  static BlockingQueue<Item> linkedBlockingDeque() {
    return new LinkedBlockingDeque<>(16);
  }

  static BlockingQueue<Item> priorityBlockingQueue() {
    return new PriorityBlockingQueue<>();
  }

  static BlockingQueue<Item> delayQueue() {
    return new DelayQueue<>();
  }

  static BlockingQueue<Item> synchronousQueueUnfair() {
    return new SynchronousQueue<>();
  }

  static BlockingQueue<Item> synchronousQueueFair() {
    return new SynchronousQueue<>(true);
  }

  static BlockingQueue<Item> linkedTransferQueue() {
    return new LinkedTransferQueue<>();
  }

  /** Where every worker makes its one probe wait after a run. */
  static BlockingQueue<Item> probeQueue() {
    return new ArrayBlockingQueue<>(1);
  }

  static BlockingQueue<Item> build(Workload w) {
    switch (w) {
      case ARRAY:
        return arrayBlockingQueue();
      case LINKED:
        return linkedBlockingQueue();
      case DEQUE:
        return linkedBlockingDeque();
      case PRIORITY:
        return priorityBlockingQueue();
      case DELAY:
        return delayQueue();
      case SYNCHRONOUS_UNFAIR:
        return synchronousQueueUnfair();
      case SYNCHRONOUS_FAIR:
        return synchronousQueueFair();
      default:
        return linkedTransferQueue();
    }
  }

  /** An element: numbered, already due (a zero delay for DelayQueue), ordered by number. */
  static final class Item implements Delayed {
    static final Item END = new Item(-1);
    final int id;

    Item(int id) {
      this.id = id;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed o) {
      return Integer.compare(id, ((Item) o).id);
    }
  }

  private final Workload workload;
  private final boolean virtual;
  private final BlockingQueue<Item> queue;
  private final int total;
  private final AtomicIntegerArray seen;
  private final AtomicLong consumed = new AtomicLong();
  private final AtomicLong consumedSum = new AtomicLong();
  private final AtomicInteger duplicates = new AtomicInteger();
  private final AtomicInteger interruptsSeen = new AtomicInteger();
  private final AtomicInteger probes = new AtomicInteger();
  private final AtomicInteger producersDone = new AtomicInteger();
  private final CountDownLatch probeGate = new CountDownLatch(1);
  private final BlockingQueue<Item> probe = probeQueue();

  private QueueStress(Workload workload, boolean virtual) {
    this.workload = workload;
    this.virtual = virtual;
    this.queue = build(workload);
    this.total = workload.perProducer * PRODUCERS;
    this.seen = new AtomicIntegerArray(total);
  }

  /** Runs one workload and prints its {@code RESULT queue ...} line. */
  static void run(Workload workload, boolean virtual) throws InterruptedException {
    new QueueStress(workload, virtual).run();
  }

  private void run() throws InterruptedException {
    long start = System.nanoTime();
    long deadline = Safety.deadline(TIMEOUT_MS);
    String label = workload.name().toLowerCase(java.util.Locale.ROOT);
    ThreadFactory factory = Safety.threads("q-" + label, virtual);
    List<Thread> consumers = Safety.start(factory, CONSUMERS, this::consume);
    List<Thread> producers = Safety.start(factory, PRODUCERS, this::produce);
    List<Thread> interruptible = new ArrayList<>();
    for (int i = 2; i < PRODUCERS; i += 3) {
      interruptible.add(producers.get(i));
      interruptible.add(consumers.get(i));
    }
    Interrupter interrupter = new Interrupter(interruptible);
    interrupter.start();

    while ((producersDone.get() < PRODUCERS || consumed.get() < total)
        && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    int stuckProducers = PRODUCERS - producersDone.get();
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    interrupter.finish();
    for (int i = 0; i < CONSUMERS; i++) {
      if (!queue.offer(Item.END, 2, TimeUnit.SECONDS)) {
        break; // consumers gone or stuck: counted below
      }
    }
    probeGate.countDown();
    List<Thread> all = new ArrayList<>(producers);
    all.addAll(consumers);
    int stuck = Safety.joinAll(all, Math.max(deadline, Safety.deadline(5_000)));

    int lost = 0;
    for (int i = 0; i < total; i++) {
      if (seen.get(i) == 0) {
        lost++;
      }
    }
    long expectedSum = (long) total * (total - 1) / 2;
    Safety.result(
        "queue",
        "workload", label,
        "threads", virtual ? "virtual" : "platform",
        "produced", total,
        "consumed", consumed.get(),
        "sum", consumedSum.get(),
        "expectedSum", expectedSum,
        "duplicates", duplicates.get(),
        "lost", lost,
        "stuck", stuck,
        "stuckProducers", stuckProducers,
        "probes", probes.get(),
        "interrupts", interruptsSeen.get(),
        "ms", elapsedMs);
  }

  private long shortTimeout() {
    return SHORT_TIMEOUTS_NANOS[ThreadLocalRandom.current().nextInt(SHORT_TIMEOUTS_NANOS.length)];
  }

  private void produce(int index) throws InterruptedException {
    int variant = index % 3;
    int first = index * workload.perProducer;
    for (int n = 0; n < workload.perProducer; n++) {
      Item item = new Item(first + n);
      while (true) {
        try {
          if (put(item, variant, n)) {
            break;
          }
        } catch (InterruptedException e) {
          interruptsSeen.incrementAndGet(); // nothing was inserted: offer the same item again
        }
      }
    }
    producersDone.incrementAndGet();
    afterRun();
  }

  /** One attempt; true when the item went in. Timed variants may give up (false). */
  private boolean put(Item item, int variant, int n) throws InterruptedException {
    boolean timed = variant == 1;
    long t = timed ? shortTimeout() : 0;
    if (queue instanceof LinkedBlockingDeque) {
      LinkedBlockingDeque<Item> deque = (LinkedBlockingDeque<Item>) queue;
      switch (n % 3) {
        case 0:
          if (timed) {
            return deque.offerFirst(item, t, TimeUnit.NANOSECONDS);
          }
          deque.putFirst(item);
          return true;
        case 1:
          if (timed) {
            return deque.offerLast(item, t, TimeUnit.NANOSECONDS);
          }
          deque.putLast(item);
          return true;
        default:
          break; // the BlockingQueue methods below
      }
    }
    if (queue instanceof LinkedTransferQueue) {
      LinkedTransferQueue<Item> transfer = (LinkedTransferQueue<Item>) queue;
      if (timed) {
        return transfer.tryTransfer(item, t, TimeUnit.NANOSECONDS);
      }
      transfer.transfer(item);
      return true;
    }
    if (timed) {
      return queue.offer(item, t, TimeUnit.NANOSECONDS);
    }
    queue.put(item);
    return true;
  }

  private void consume(int index) throws InterruptedException {
    int variant = index % 3;
    int n = 0;
    while (true) {
      Item item;
      try {
        item = take(variant, n++);
      } catch (InterruptedException e) {
        interruptsSeen.incrementAndGet(); // nothing was taken: try again
        continue;
      }
      if (item == null) {
        continue; // a timed variant gave up
      }
      if (item == Item.END) {
        break;
      }
      if (seen.getAndIncrement(item.id) != 0) {
        duplicates.incrementAndGet();
      }
      consumedSum.addAndGet(item.id);
      consumed.incrementAndGet();
    }
    afterRun();
  }

  private Item take(int variant, int n) throws InterruptedException {
    boolean timed = variant == 1;
    long t = timed ? shortTimeout() : 0;
    if (queue instanceof LinkedBlockingDeque) {
      LinkedBlockingDeque<Item> deque = (LinkedBlockingDeque<Item>) queue;
      switch (n % 3) {
        case 0:
          return timed ? deque.pollFirst(t, TimeUnit.NANOSECONDS) : deque.takeFirst();
        case 1:
          return timed ? deque.pollLast(t, TimeUnit.NANOSECONDS) : deque.takeLast();
        default:
          break;
      }
    }
    return timed ? queue.poll(t, TimeUnit.NANOSECONDS) : queue.take();
  }

  /** Every worker, once the run is over: one timed poll on the empty probe queue. */
  private void afterRun() {
    while (true) {
      try {
        probeGate.await();
        break;
      } catch (InterruptedException e) {
        // an interrupt sent before the interrupter stopped: wait again
      }
    }
    Thread.interrupted();
    try {
      if (probe.poll(2, TimeUnit.MILLISECONDS) == null) {
        probes.incrementAndGet();
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException("nobody interrupts probes", e);
    }
  }

  /** Interrupts one of its targets at random, about every 200 µs, until finished. */
  static final class Interrupter extends Thread {
    private final List<Thread> targets;
    private volatile boolean done;

    Interrupter(List<Thread> targets) {
      super("interrupter");
      setDaemon(true);
      this.targets = targets;
    }

    @Override
    public void run() {
      while (!done && !targets.isEmpty()) {
        targets.get(ThreadLocalRandom.current().nextInt(targets.size())).interrupt();
        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
      }
    }

    void finish() throws InterruptedException {
      done = true;
      join();
    }
  }
}
