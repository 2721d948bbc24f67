package dev.blockedtime.javaagent.monitor;

import dev.blockedtime.bootstrap.Log;
import dev.blockedtime.bootstrap.Settings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * The Flight Recorder side of {@link MonitorContention}: a recording of {@code
 * jdk.JavaMonitorEnter} alone, at the monitor threshold, with stacks, streamed on the calling
 * thread. The only class that mentions JFR types.
 *
 * <p>The stream is started with {@link RecordingStream#start()} on our own daemon thread rather
 * than with {@code startAsync()}: that one names its thread after JFR and, on some JDKs (25),
 * makes it a non-daemon thread, which would keep the application from exiting. No maximum age or
 * size is set, so JFR removes each chunk of the repository once the stream has read it.
 *
 * <p><b>Renewal.</b> JFR's parser keeps a {@code RecordedThread} for every thread the recording
 * has named, for as long as it reads the chunk that named it and the next one: a chunk lasts until
 * it holds 12 MB, so a JVM that starts threads by the thousand carried tens of megabytes of them
 * (about 70 MB per 300,000 threads on JDK 17; on JDK 25 they grow with every flush). So after
 * {@link #RENEW_AFTER_THREADS} thread starts, and no sooner than {@link #RENEW_NOT_BEFORE_NANOS}
 * after it opened, a stream hands over to a new one, which starts a recording (and a chunk) of
 * its own, and then closes. Every event is recorded once: the new stream takes the events that
 * end from the instant it takes over (see {@link Generation#flushed}), the old one those that end
 * before, and it closes once it has read the recording a second past that instant ({@link
 * #CLOCK_EVENT}), or {@link #CLOSE_AFTER_NANOS} after it at the latest. A stream hands over only
 * once it has taken over itself.
 */
final class JfrMonitorEvents {
  static final String EVENT = "jdk.JavaMonitorEnter";
  /** Thread starts after which a stream hands over to a new one (see the class comment). */
  static final long RENEW_AFTER_THREADS = 20_000;
  /**
   * A stream runs at least this long: a handover costs 0.13-0.2 s of CPU (two streams for three
   * flushes, a recording started), so at most one every ten seconds, 2% of a CPU, and only in a
   * JVM that starts 2,000 threads a second or more, which costs it far more than that.
   */
  static final long RENEW_NOT_BEFORE_NANOS = 10_000_000_000L;
  /**
   * A periodic event (every second, a few counters) that tells a stream how far into the recording
   * it has read: a stream may lag behind the recording by several flushes on a busy machine, so
   * counting its flushes after the handover does not tell it that it has read every event that
   * ended before.
   */
  static final String CLOCK_EVENT = "jdk.JavaThreadStatistics";
  /**
   * Time after the handover when a stream closes even if it never read a second past it (it never
   * saw the clock event). By time, not by flushes: every recording started or stopped in the JVM
   * rotates the chunk, which is a flush too, so another tool that rotates often made a count of
   * 30 flushes pass in under a second and close a stream that lagged before it had read its last
   * events (JfrStreamRenewalTest, rotations every 10 ms, beside two busy loops).
   */
  static final long CLOSE_AFTER_NANOS = 30_000_000_000L;

  private JfrMonitorEvents() {}

  /** Runs the stream on the calling thread until it is closed (in practice: until the JVM exits). */
  static void stream(Settings settings) {
    stream(settings, RENEW_AFTER_THREADS, RENEW_NOT_BEFORE_NANOS, new Generation(Instant.MIN));
  }

  /**
   * Runs generation {@code gen} of the stream on the calling thread until it has handed over to
   * its successor (started on a thread of its own) or the JVM exits.
   */
  static void stream(Settings settings, long renewAfterThreads, long renewNotBeforeNanos, Generation gen) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long startedAtOpen = threads.getTotalStartedThreadCount();
    long openedAt = System.nanoTime();
    try (RecordingStream stream = new RecordingStream()) {
      long thresholdNanos = settings.monitorThresholdNanos;
      int stackDepth = settings.stackDepth;
      if (settings.monitors) {
        stream.enable(EVENT).withThreshold(Duration.ofNanos(thresholdNanos)).withStackTrace();
        stream.onEvent(EVENT, event -> {
          if (gen.accepts(event)) {
            onEvent(event, thresholdNanos, stackDepth);
          }
        });
      }
      JfrWaitEvents.enable(stream, settings, gen::accepts);
      stream.enable(CLOCK_EVENT).withPeriod(Duration.ofSeconds(1));
      stream.onEvent(CLOCK_EVENT, event -> gen.readUntil(event.getEndTime()));
      stream.onFlush(() -> {
        try {
          if (gen.flushed()) {
            stream.close(); // handed over: the successor records from here on
          } else if (gen.mayHandOver()
              && System.nanoTime() - openedAt >= renewNotBeforeNanos
              && threads.getTotalStartedThreadCount() - startedAtOpen >= renewAfterThreads) {
            Generation next = gen.next();
            MonitorContention.startThread(() -> {
              try {
                stream(settings, renewAfterThreads, renewNotBeforeNanos, next);
              } catch (Throwable t) {
                cannotRenew(t); // before it took over: this stream never handed over
              }
            });
          }
        } catch (Throwable t) {
          cannotRenew(t);
        }
      });
      stream.start();
    }
  }

  // The stream that tried goes on (no second successor is tried): its memory is the only cost.
  private static void cannotRenew(Throwable t) {
    Log.once("monitors.renew", "cannot renew the JFR stream; it goes on as it is", t);
  }

  /**
   * One stream's share of the events, by when they ended: from {@code from} (set when the stream
   * takes over, when it follows another) until {@code until} (set when its successor takes over).
   * The two streams of a handover run on threads of their own; a takeover and their {@link
   * #accepts} take turns on one lock, so the instant a takeover picks is past every event either
   * stream has judged.
   */
  static final class Generation {
    private static final Object HANDOVER = new Object();

    private volatile Instant from;
    private volatile Instant until;
    private int flushesBeforeTakeover;
    // System.nanoTime() when this stream's successor took over (under HANDOVER).
    private long handedOverAtNanos;
    // How far into the recording this stream has read: the end of the last clock event it saw.
    private Instant readUntil = Instant.MIN;
    // The latest end of any event this stream has judged or read as a clock (under HANDOVER).
    private Instant seenUntil = Instant.MIN;
    private volatile boolean closed;
    // This stream's successor, once started (touched by this stream's thread only), and the
    // stream this one takes over from.
    private Generation successor;
    private Generation predecessor;

    Generation(Instant from) {
      this.from = from;
    }

    /** How many times this stream and its successors have handed over so far. */
    int handovers() {
      return handoverInstants().size();
    }

    /**
     * How many of this stream and its successors have closed after handing over, so far (for
     * tests: without the clock event they would close only {@link #CLOSE_AFTER_NANOS} after).
     */
    int closedAfterHandover() {
      int n = 0;
      for (Generation g = this; g != null; g = g.successor) {
        n += g.closed ? 1 : 0;
      }
      return n;
    }

    /** When this stream and its successors handed over, so far (for tests). */
    List<Instant> handoverInstants() {
      List<Instant> at = new ArrayList<>();
      for (Generation g = successor; g != null && g.from != null; g = g.successor) {
        at.add(g.from);
      }
      return at;
    }

    /**
     * Whether this stream may start a successor: it has taken over (a successor of a stream that
     * had not would be given an instant before the one its predecessor takes later, and the two
     * windows around it would overlap) and has no successor yet. Called on this stream's thread.
     */
    boolean mayHandOver() {
      return from != null && successor == null;
    }

    /** The successor, which records nothing until its second flush. */
    Generation next() {
      successor = new Generation(null);
      successor.predecessor = this;
      return successor;
    }

    boolean accepts(RecordedEvent event) {
      return accepts(event.getEndTime());
    }

    /** Whether an event that ended at {@code end} is this stream's to record. */
    boolean accepts(Instant end) {
      synchronized (HANDOVER) {
        seen(end);
        Instant start = from;
        if (start == null) {
          return false; // a successor before it takes over: its predecessor still records
        }
        Instant stop = until;
        return !end.isBefore(start) && (stop == null || end.isBefore(stop));
      }
    }

    /** This stream has read the recording up to {@code end} (a {@link #CLOCK_EVENT}). */
    void readUntil(Instant end) {
      synchronized (HANDOVER) {
        seen(end);
        if (end.isAfter(readUntil)) {
          readUntil = end;
        }
      }
    }

    private void seen(Instant end) {
      if (end.isAfter(seenUntil)) {
        seenUntil = end;
      }
    }

    /**
     * A flush of this generation's stream; true when the stream should close: it has handed over,
     * and has read the recording a second past the handover, so every event that ended before
     * (committed before, so written at the same flush or an earlier one) has reached it. The
     * second covers the difference between the wall clock of the handover and the recording's.
     */
    boolean flushed() {
      return flushed(System.nanoTime());
    }

    /** {@link #flushed()} at {@code nowNanos} on the {@link System#nanoTime()} scale. */
    boolean flushed(long nowNanos) {
      synchronized (HANDOVER) {
        // A successor takes over from its second flush on, once it has read a clock event, so it
        // reads the recording from before the instant it takes its events from. That instant is
        // past the events either stream has judged: the successor passed over those it judged
        // before, and the predecessor may have recorded any it judged (it may read ahead of the
        // successor, and JFR's clock need not agree with Instant.now()). A later instant only
        // leaves more to the predecessor, which reads on to a second past it.
        if (from == null && ++flushesBeforeTakeover >= 2 && readUntil != Instant.MIN) {
          Instant at = Instant.now();
          if (predecessor != null && predecessor.seenUntil.isAfter(at)) {
            at = predecessor.seenUntil;
          }
          if (seenUntil.isAfter(at)) {
            at = seenUntil;
          }
          // Past the predecessor's own instant too: it may lie ahead of the clock (its own
          // predecessor had read ahead), and the window of the stream before it ends there.
          if (predecessor != null && predecessor.from != null && predecessor.from.isAfter(at)) {
            at = predecessor.from;
          }
          at = at.plusNanos(1);
          from = at;
          if (predecessor != null) {
            predecessor.until = at;
            predecessor.handedOverAtNanos = nowNanos;
            predecessor = null; // or every generation a JVM ever had would stay reachable
          }
        }
        Instant stop = until;
        if (stop != null) {
          closed =
              readUntil.isAfter(stop.plusSeconds(1)) || nowNanos - handedOverAtNanos >= CLOSE_AFTER_NANOS;
          return closed;
        }
        return false;
      }
    }
  }

  private static void onEvent(RecordedEvent event, long thresholdNanos, int stackDepth) {
    try {
      long durationNanos = event.getDuration().toNanos();
      if (durationNanos < thresholdNanos) {
        return; // the repository is shared: another recording may ask for shorter waits
      }
      RecordedThread thread = event.getThread();
      RecordedClass monitor = event.getClass("monitorClass");
      String threadName = thread != null ? thread.getJavaName() : null;
      String monitorClass = monitor != null ? monitor.getName() : null;
      if (!MonitorContention.isApplicationWait(threadName, monitorClass, JfrFrames.loaderClass(monitor))) {
        return;
      }
      MonitorContention.record(
          monitorClass,
          durationNanos,
          JfrFrames.frames(event.getStackTrace(), stackDepth),
          threadName,
          thread != null ? thread.getJavaThreadId() : ObservedWaits.NO_THREAD_ID);
    } catch (Throwable t) {
      Log.once(
          "monitors.event",
          "cannot read a " + EVENT + " event; some synchronized contention is not recorded",
          t);
    }
  }
}
