package dev.blockedtime.javaagent;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.Deferred;
import dev.blockedtime.bootstrap.Log;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that records the waits that threads hand over when they end holding a lock (see
 * {@link Deferred}): every {@value #BUSY_MILLIS} ms while there are some, backing off to every
 * {@value #IDLE_MILLIS} ms while there are none. A thread's ring holds 64 waits and a full one
 * records for itself, so the interval bounds only how often that happens; a metric collection
 * drains the rings itself before it reads the histograms.
 */
final class HandOverRecorder {
  static final long BUSY_MILLIS = 5;
  static final long IDLE_MILLIS = 100;
  /** How often the loop also forgets the rings of threads that died. */
  static final long SWEEP_MILLIS = 1_000;

  private HandOverRecorder() {}

  static void start() {
    Thread t = new Thread(HandOverRecorder::run, "blocked-time-recorder");
    t.setDaemon(true);
    t.start();
    Deferred.started();
  }

  private static void run() {
    long interval = BUSY_MILLIS;
    long lastSweep = System.nanoTime();
    while (true) {
      try {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(interval));
        long now = System.nanoTime();
        boolean sweep = now - lastSweep >= TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        if (sweep) {
          lastSweep = now;
        }
        int recorded = BlockedTime.drainHandedOver(sweep);
        interval = recorded > 0 ? BUSY_MILLIS : Math.min(IDLE_MILLIS, interval * 2);
      } catch (Throwable t) {
        Deferred.stopped();
        BlockedTime.drainHandedOver(true);
        Log.once("recorder", "the recorder thread failed; threads record their lock waits themselves", t);
        return;
      }
    }
  }
}
