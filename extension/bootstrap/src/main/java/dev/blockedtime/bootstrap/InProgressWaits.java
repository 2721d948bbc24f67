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
 * <p>A thread joins the set of a kind at its first wait of that kind and stays while it lives: a
 * wait in progress is a thread in the set whose {@code waitName} is set. Joining once, rather than
 * at every wait and leaving at its end, spares each wait two updates of a shared map (1.1% of the
 * samples of {@code benchmarks/churn-profile.sh}). The set is bounded by the threads alive that
 * ever waited: dead threads leave it when a collection sweeps (every {@link #SWEEP_INTERVAL_NANOS})
 * and when the set has doubled since the last sweep ({@link #join}), so a JVM that churns threads
 * and never collects does not grow it either. A member holds its thread weakly (see {@link
 * ThreadState}), so a dead thread waiting for a sweep keeps neither itself nor its task alive. The
 * collector iterates the set (weakly consistent) and reads each thread's volatile wait fields.
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

  /** Below this many members a join never sweeps (a sweep reads every member's thread). */
  static final int MIN_SWEEP_SIZE = 1024;

  // Per kind: the size at which a join sweeps the set's dead threads, twice what the last sweep
  // left (at least MIN_SWEEP_SIZE), so sweeping costs a constant per join. A race only sweeps twice.
  private static final int[] SWEEP_AT = {MIN_SWEEP_SIZE, MIN_SWEEP_SIZE};

  private static int bit(ResourceName.Kind kind) {
    return kind == ResourceName.Kind.QUEUE ? 1 : 2;
  }

  /** Whether {@code s}'s thread is in the set of {@code kind}'s waits: a field read per wait. */
  static boolean joined(ThreadState s, ResourceName.Kind kind) {
    return (s.inProgressSets & bit(kind)) != 0;
  }

  /** {@code s}'s thread opens its first wait of {@code kind}; called on that thread. */
  @DontInline // a ConcurrentHashMap update: compiled once, not into each wait path (see BlockedTime#finish)
  static void join(ThreadState s, ResourceName.Kind kind) {
    Set<ThreadState> waits = waits(kind);
    waits.add(s);
    s.inProgressSets |= bit(kind);
    int size = waits.size();
    int i = kind == ResourceName.Kind.QUEUE ? 0 : 1;
    if (size >= SWEEP_AT[i]) {
      sweepDead(waits);
      SWEEP_AT[i] = Math.max(MIN_SWEEP_SIZE, 2 * waits.size());
    }
  }

  private static void sweepDead(Set<ThreadState> waits) {
    for (ThreadState s : waits) {
      if (s.dead()) {
        drop(waits, s);
      }
    }
  }

  /** Drops a dead thread's state; only if its exit advice never ran was a wait still open. */
  private static void drop(Set<ThreadState> waits, ThreadState s) {
    if (waits.remove(s) && s.waitName != null) {
      BlockedTime.forgetDeadThread(s);
    }
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
        Thread t = s.thread();
        if (t != null && t.getId() == threadId) {
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
      if (sweep && s.dead()) {
        drop(waits, s);
        continue;
      }
      ResourceName name = s.waitName;
      String op = s.waitOp;
      String state = s.waitState;
      long start = s.waitStartNanos;
      if (name == null || op == null || state == null || s.waitName != name || waits(name.kind) != waits) {
        continue; // not waiting, the wait just changed under us, or a wait of the other set's kind
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

  /** Whether {@code t}'s state is in either set. */
  static boolean holds(Thread t) {
    for (Set<ThreadState> waits : List.of(LOCK_WAITS, QUEUE_WAITS)) {
      for (ThreadState s : waits) {
        if (s.thread() == t) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code s} is in either set (its thread may have died). */
  static boolean holds(ThreadState s) {
    return LOCK_WAITS.contains(s) || QUEUE_WAITS.contains(s);
  }

  /** The threads in the sets, waiting or not. */
  static int size() {
    return QUEUE_WAITS.size() + LOCK_WAITS.size();
  }

  /** The waits in progress: threads in the sets with a wait open (each counted once). */
  static int open() {
    int n = 0;
    for (ThreadState s : QUEUE_WAITS) {
      ResourceName name = s.waitName;
      n += name != null && waits(name.kind) == QUEUE_WAITS ? 1 : 0;
    }
    for (ThreadState s : LOCK_WAITS) {
      ResourceName name = s.waitName;
      n += name != null && waits(name.kind) == LOCK_WAITS ? 1 : 0;
    }
    return n;
  }
}
