package dev.blockedtime.testsupport;

import dev.blockedtime.bootstrap.Frames;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Calls the core's public stack-walking API from outside the core's own packages, as application
 * code does. Each probe returns what the core returned and the line of the call, taken on the same
 * source line so that reformatting cannot make them disagree.
 */
public final class SiteProbe {
  private SiteProbe() {}

  /** [site, expected "class.method:line"]. */
  public static String[] allocationSiteHere() {
    StackTraceElement at = new Throwable().getStackTrace()[0]; String site = Frames.allocationSite();
    return new String[] {site, expected(at)};
  }

  /** Frames.allocationSite reached through a JDK frame (Optional.orElseGet). */
  public static String[] allocationSiteThroughJdk() {
    Supplier<String> walk = Frames::allocationSite;
    StackTraceElement at = new Throwable().getStackTrace()[0]; String site = Optional.<String>empty().orElseGet(walk);
    return new String[] {site, expected(at)};
  }

  /** Frames.allocationSite on a thread whose frames are all JDK frames: no site. */
  public static String allocationSiteOnJdkOnlyThread() throws Exception {
    FutureTask<String> task = new FutureTask<>(Frames::allocationSite);
    Thread t = new Thread(task, "jdk-only");
    t.start();
    return task.get();
  }

  /** An application subclass of a queue: its constructor asks for its allocation site. */
  public static class Orders extends java.util.concurrent.ArrayBlockingQueue<Object> {
    public String site;

    public Orders() {
      super(1);
      site = Frames.allocationSite(getClass());
    }
  }

  /** A subclass of that subclass: both constructors are the resource's own. */
  public static final class PriorityOrders extends Orders {
    public PriorityOrders() {
      super();
    }
  }

  /** [site of an Orders built here, expected "class.method:line"]. */
  public static String[] subclassSiteHere() {
    StackTraceElement at = new Throwable().getStackTrace()[0]; String site = new Orders().site;
    return new String[] {site, expected(at)};
  }

  /** The same for a PriorityOrders, from another line. */
  public static String[] subSubclassSiteHere() {
    StackTraceElement at = new Throwable().getStackTrace()[0]; String site = new PriorityOrders().site;
    return new String[] {site, expected(at)};
  }

  /** [hash, text, expected first line] of the waiting stack taken here. */
  public static String[] waitingStackHere(int depth) {
    StackTraceElement at = new Throwable().getStackTrace()[0]; Frames.StackInfo info = Frames.waitingStack(depth);
    return new String[] {info.hash, info.text, expected(at)};
  }

  /** The waiting stack from one fixed call site, for repeated-call hashes. */
  public static Frames.StackInfo waitingStackFixedSite(int depth) {
    return Frames.waitingStack(depth);
  }

  /** The waiting stack one level deeper, so the first two frames are both this class. */
  public static String[] waitingStackNested(int depth) {
    StackTraceElement at = new Throwable().getStackTrace()[0]; String[] inner = waitingStackHere(depth);
    return new String[] {inner[0], inner[1], inner[2], expected(at)};
  }

  public static String expected(StackTraceElement at) {
    return at.getClassName() + "." + at.getMethodName() + ":" + at.getLineNumber();
  }
}
