package dev.blockedtime.bootstrap;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.internal.vm.annotation.DontInline;

/**
 * The waits in progress right now, for the {@code *.blocked.threads} and {@code *.blocked.oldest}
 * gauges.
 *
 * <p>A thread is in the set exactly while it has a wait open, so the set is bounded by the number
 * of threads waiting at once. Adding and removing happen on the waiting thread, only on the slow
 * path; the collector iterates the set (weakly consistent) and reads each thread's volatile wait
 * fields.
 */
public final class InProgressWaits {
  // One set per kind: each gauge callback walks only the waits of its own kind.
  private static final Set<ThreadState> QUEUE_WAITS = ConcurrentHashMap.newKeySet();
  private static final Set<ThreadState> LOCK_WAITS = ConcurrentHashMap.newKeySet();

  /**
   * How often a collection also drops waits of threads that died without closing them (only if
   * their exit advice never ran). Checking liveness touches every waiting thread's object and costs
   * as much as the rest of the walk, so it is not done on every collection.
   */
  static final long SWEEP_INTERVAL_NANOS = 10_000_000_000L;

  // Per kind; a race between two metric readers only makes a sweep happen twice or later.
  private static final long[] LAST_SWEEP = new long[ResourceName.Kind.values().length];

  private InProgressWaits() {}

  private static Set<ThreadState> waits(ResourceName.Kind kind) {
    return kind == ResourceName.Kind.QUEUE ? QUEUE_WAITS : LOCK_WAITS;
  }

  @DontInline // a ConcurrentHashMap update: compiled once, not into each wait path (see BlockedTime#finish)
  static void add(ThreadState s, ResourceName.Kind kind) {
    waits(kind).add(s);
  }

  @DontInline
  static void remove(ThreadState s, ResourceName.Kind kind) {
    waits(kind).remove(s);
  }

  /**
   * The resource the thread with this id waits on right now in an instrumented wait, or null when
   * it is in none. For the deadlock detector, which names the locks of a cycle as the metrics do;
   * it scans the waits in progress, so it is for rare callers only.
   */
  @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same value
  public static ResourceName waitingOn(long threadId) {
    for (Set<ThreadState> waits : List.of(LOCK_WAITS, QUEUE_WAITS)) {
      for (ThreadState s : waits) {
        if (s.thread.getId() == threadId) {
          return s.waitName;
        }
      }
    }
    return null;
  }

  /**
   * Whether the core never records waits of a thread with this name: the agent's threads and this
   * extension's own. For waits observed from outside the thread (JFR events), where only the name
   * is known.
   */
  public static boolean isIgnoredThread(String threadName) {
    return ThreadState.isAgentThread(threadName);
  }

  /** One series of waits in progress. */
  public static final class Group {
    public final ResourceName name;
    public final String operation;
    public final String state;
    public int threads;
    public long oldestNanos;
    /** The next group of the same resource, with another operation or state. */
    private Group next;

    Group(ResourceName name, String operation, String state) {
      this.name = name;
      this.operation = operation;
      this.state = state;
    }

    boolean is(String op, String st) {
      return operation.equals(op) && state.equals(st);
    }
  }

  /**
   * Groups the waits in progress on resources of {@code kind}, as seen at {@code nowNanos}.
   *
   * <p>Runs on every collection over every waiting thread (100,000 parked virtual threads are
   * plausible), so the walk allocates nothing per waiter: groups are found by the resource's
   * identity, then among that resource's few operation/state pairs.
   */
  public static List<Group> snapshot(ResourceName.Kind kind, long nowNanos) {
    Set<ThreadState> waits = waits(kind);
    long lastSweep = LAST_SWEEP[kind.ordinal()];
    boolean sweep = lastSweep == 0 || nowNanos - lastSweep >= SWEEP_INTERVAL_NANOS;
    if (sweep) {
      LAST_SWEEP[kind.ordinal()] = nowNanos;
    }
    List<Group> all = new ArrayList<>();
    Map<ResourceName, Group> byName = new IdentityHashMap<>();
    Group last = null;
    for (ThreadState s : waits) {
      ResourceName name = s.waitName;
      String op = s.waitOp;
      String state = s.waitState;
      long start = s.waitStartNanos;
      if (name == null || op == null || state == null || s.waitName != name) {
        continue; // changed under us: the wait just ended
      }
      if (sweep && !s.thread.isAlive()) {
        waits.remove(s); // a thread can only die while "waiting" if its exit advice never ran
        BlockedTime.forgetDeadThread(s);
        continue;
      }
      Group g = last;
      if (g == null || g.name != name || !g.is(op, state)) {
        Group first = byName.get(name);
        g = first;
        while (g != null && !g.is(op, state)) {
          g = g.next;
        }
        if (g == null) {
          g = new Group(name, op, state);
          all.add(g);
          if (first == null) {
            byName.put(name, g);
          } else {
            g.next = first.next;
            first.next = g;
          }
        }
        last = g;
      }
      g.threads++;
      g.oldestNanos = Math.max(g.oldestNanos, nowNanos - start);
    }
    return all;
  }

  static int size() {
    return QUEUE_WAITS.size() + LOCK_WAITS.size();
  }
}
