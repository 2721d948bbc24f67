package dev.blockedtime.javaagent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.bootstrap.WaitEvent;
import dev.blockedtime.javaagent.telemetry.Instruments;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real JFR stream, renewed every 50 thread starts instead of every 20,000 and ten seconds:
 * contended monitor enters before, across and after several handovers, and across the chunk
 * rotations other recordings cause, are each recorded once. One stream serves both tests; each
 * contends on monitors of a class of its own, which is how their events are told apart.
 */
class JfrStreamRenewalTest {
  private static final String P = "otel.instrumentation.blocked-time.";
  private static final List<WaitEvent> recorded = new CopyOnWriteArrayList<>();
  private static JfrMonitorEvents.Generation first;

  @BeforeAll
  static void startTheStream() throws Exception {
    BlockedTime.start(recorded::add);
    Settings settings = Settings.from(Map.of(P + "monitor-threshold", "5ms")::get);
    first = new JfrMonitorEvents.Generation(Instant.MIN);
    Thread streamThread = new Thread(() -> JfrMonitorEvents.stream(settings, 50, 0, first), "blocked-time-jfr");
    streamThread.setDaemon(true);
    streamThread.start();

    StringBuilder warmUp = new StringBuilder();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (count(StringBuilder.class) == 0 && System.nanoTime() < deadline) {
      contend(warmUp); // until the stream runs
    }
    assertThat(count(StringBuilder.class)).isPositive();
  }

  @Test
  void everyContendedEnterIsRecordedOnceAcrossHandovers() throws Exception {
    int handoversBefore = first.handovers();
    int contended = 0;
    List<String> rounds = new CopyOnWriteArrayList<>();
    for (int round = 0; round < 16; round++) {
      Instant began = Instant.now();
      contend(new StringBuffer());
      rounds.add(round + ": " + began + " to " + Instant.now());
      contended++;
      if (round % 4 == 0) {
        startThreads(60); // past the renewal count: the stream hands over
      }
      Thread.sleep(250);
    }
    awaitRecorded(StringBuffer.class, contended);

    // Fresh-clone CI runs recorded 15 of 16 four times. The last one said why: one event had no
    // thread, which JDK 17's JFR loses for a thread that ended just before a chunk rotation (each
    // handover is one), and the stream dropped events without a thread. The enters' times, the
    // handovers', when each event was recorded (about a second after it ended) and how many had
    // no thread, to tell which one went missing if one ever does again.
    assertThat(first.handovers() - handoversBefore).isGreaterThanOrEqualTo(2);
    assertThat(count(StringBuffer.class))
        .as(
            "enters %s, handovers %s, recorded at %s, without a thread %d",
            rounds,
            first.handoverInstants(),
            recordedAt(StringBuffer.class),
            threadless(StringBuffer.class))
        .isEqualTo(contended);
    // Each stream that handed over closes once it has read a second past the handover, seen by
    // JFR's own clock event: within seconds, not after the fallback's 30 seconds.
    long deadline = System.nanoTime() + 6_000_000_000L;
    while (first.closedAfterHandover() < first.handovers() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(first.closedAfterHandover()).isEqualTo(first.handovers());
  }

  /**
   * Another recording started and stopped every few milliseconds rotates the chunk each time;
   * contenders that end just before a rotation lose their thread on JDK 17 (about one in forty
   * here). Every enter is recorded all the same, once.
   */
  @Test
  void everyContendedEnterIsRecordedOnceAcrossOtherRecordingsRotations() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong rotations = new AtomicLong();
    Thread rotator = new Thread(() -> {
      while (!done.get()) {
        try (Recording other = new Recording()) {
          other.start();
          Thread.sleep(5);
          other.stop();
          rotations.incrementAndGet();
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "rotator");
    rotator.start();
    int lanes = 4;
    int perLane = 50;
    Thread[] contenders = new Thread[lanes];
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try {
      for (int lane = 0; lane < lanes; lane++) {
        contenders[lane] = new Thread(() -> {
          try {
            for (int i = 0; i < perLane; i++) {
              contend(new ArrayDeque<>());
            }
          } catch (Throwable t) {
            failures.add(t);
          }
        });
        contenders[lane].start();
      }
      for (Thread t : contenders) {
        t.join();
      }
    } finally {
      done.set(true);
      rotator.join();
    }
    assertThat(failures).isEmpty();
    awaitRecorded(ArrayDeque.class, lanes * perLane);

    assertThat(rotations.get()).isGreaterThan(20);
    assertThat(count(ArrayDeque.class))
        .as("rotations %d, without a thread %d", rotations.get(), threadless(ArrayDeque.class))
        .isEqualTo(lanes * perLane);
    System.out.printf("rotations %d, without a thread %d%n", rotations.get(), threadless(ArrayDeque.class));
  }

  private static void awaitRecorded(Class<?> monitorClass, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (count(monitorClass) < expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Thread.sleep(3_000); // a duplicate would come within the old stream's last flushes
  }

  private static List<WaitEvent> events(Class<?> monitorClass) {
    return recorded.stream()
        .filter(e -> e.name.name.equals(monitorClass.getName()))
        .collect(Collectors.toList());
  }

  private static long count(Class<?> monitorClass) {
    return events(monitorClass).size();
  }

  private static long threadless(Class<?> monitorClass) {
    return events(monitorClass).stream().filter(e -> e.threadName == null).count();
  }

  private static List<Instant> recordedAt(Class<?> monitorClass) {
    return events(monitorClass).stream()
        .map(e -> Instant.ofEpochSecond(0, Instruments.epochNanos(e.startNanos) + e.durationNanos))
        .collect(Collectors.toList());
  }

  private static String threadName(Object monitor) {
    return "contender-" + System.identityHashCode(monitor);
  }

  /**
   * One contended enter of at least 20 ms on {@code monitor}, by a thread named after it: the
   * holder lets go 20 ms after it has seen the contender blocked, however late that thread
   * started on a busy machine.
   */
  private static void contend(Object monitor) throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch contenderStarted = new CountDownLatch(1);
    Thread[] contender = new Thread[1];
    Thread holder = new Thread(() -> {
      synchronized (monitor) {
        held.countDown();
        try {
          contenderStarted.await();
        } catch (InterruptedException e) {
          return;
        }
        while (contender[0].getState() != Thread.State.BLOCKED) {
          Thread.onSpinWait();
        }
        sleep(20);
      }
    });
    holder.start();
    held.await();
    contender[0] = new Thread(() -> {
      synchronized (monitor) {
        monitor.hashCode();
      }
    }, threadName(monitor));
    contender[0].start();
    contenderStarted.countDown();
    contender[0].join();
    holder.join();
  }

  private static void startThreads(int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(() -> {});
      t.start();
      t.join();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
