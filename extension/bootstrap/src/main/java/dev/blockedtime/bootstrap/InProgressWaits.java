package dev.blockedtime.bootstrap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
  private static final Set<ThreadState> WAITING = ConcurrentHashMap.newKeySet();

  private InProgressWaits() {}

  static void add(ThreadState s) {
    WAITING.add(s);
  }

  static void remove(ThreadState s) {
    WAITING.remove(s);
  }

  /**
   * The resource the thread with this id waits on right now in an instrumented wait, or null when
   * it is in none. For the deadlock detector, which names the locks of a cycle as the metrics do;
   * it scans the waits in progress, so it is for rare callers only.
   */
  @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same value
  public static ResourceName waitingOn(long threadId) {
    for (ThreadState s : WAITING) {
      if (s.thread.getId() == threadId) {
        return s.waitName;
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

    Group(ResourceName name, String operation, String state) {
      this.name = name;
      this.operation = operation;
      this.state = state;
    }
  }

  private static final class Key {
    final ResourceName name;
    final String op;
    final String state;

    Key(ResourceName name, String op, String state) {
      this.name = name;
      this.op = op;
      this.state = state;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return k.name == name && k.op.equals(op) && k.state.equals(state);
    }

    @Override
    public int hashCode() {
      return Objects.hash(System.identityHashCode(name), op, state);
    }
  }

  /** Groups the waits in progress on resources of {@code kind}, as seen at {@code nowNanos}. */
  public static List<Group> snapshot(ResourceName.Kind kind, long nowNanos) {
    if (kind == ResourceName.Kind.QUEUE) {
      Resources.expungeStale(); // once per collection: the registry sheds collected resources
    }
    Map<Key, Group> groups = new HashMap<>();
    for (ThreadState s : WAITING) {
      if (!s.thread.isAlive()) {
        WAITING.remove(s); // a thread can only die while "waiting" if its exit advice never ran
        continue;
      }
      ResourceName name = s.waitName;
      if (name == null || name.kind != kind) {
        continue;
      }
      String op = s.waitOp;
      String state = s.waitState;
      long start = s.waitStartNanos;
      if (op == null || state == null || s.waitName != name) {
        continue; // changed under us: the wait just ended
      }
      Group g = groups.computeIfAbsent(new Key(name, op, state), k -> new Group(name, op, state));
      g.threads++;
      g.oldestNanos = Math.max(g.oldestNanos, nowNanos - start);
    }
    return new ArrayList<>(groups.values());
  }

  static int size() {
    return WAITING.size();
  }
}
