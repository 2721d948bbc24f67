package dev.blockedtime.testsupport;

import dev.blockedtime.bootstrap.FutureWaits;

/**
 * Plays the application's {@code get} from outside the core's packages, so that the waiting
 * stack starts at a frame here. Returns the {@code class.method:line} of its call into the core.
 */
public final class FutureDriver {
  private FutureDriver() {}

  /** A {@code FutureTask.get} that waited {@code millis} and returned a done task. */
  public static String futureTaskGet(long millis) throws InterruptedException {
    FutureWaits.Wait w = FutureWaits.futureTaskBegin(false, 0L);
    Thread.sleep(millis);
    StackTraceElement at = new Throwable().getStackTrace()[0]; FutureWaits.futureTaskEnd(w, false, 2, null);
    return SiteProbe.expected(at);
  }
}
