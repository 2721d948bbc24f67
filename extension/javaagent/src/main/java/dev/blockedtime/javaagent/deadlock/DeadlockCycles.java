package dev.blockedtime.javaagent.deadlock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cycles of a waits-for relation in which each thread waits for at most one other: the owner
 * of the lock it waits on. The JVM's list of deadlocked threads can also hold threads that only
 * wait behind a cycle; those belong to no cycle here.
 */
final class DeadlockCycles {
  private DeadlockCycles() {}

  /**
   * Returns each cycle as indices into {@code ids}, in waits-for order (each thread waits for a
   * lock the next one holds, the last for one the first holds), starting at the thread with the
   * smallest id; cycles are ordered by that id. {@code owners[i]} is the id of the thread holding
   * what thread {@code i} waits on, or -1.
   */
  static List<int[]> find(long[] ids, long[] owners) {
    int n = ids.length;
    Map<Long, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(ids[i], i);
    }
    int[] next = new int[n];
    for (int i = 0; i < n; i++) {
      next[i] = index.getOrDefault(owners[i], -1);
    }
    // Follow each unvisited thread's waits-for chain, marking it with the walk's number; meeting
    // a thread of the same walk again closes a cycle, meeting an earlier walk's thread does not.
    int[] walk = new int[n];
    List<int[]> cycles = new ArrayList<>();
    for (int start = 0; start < n; start++) {
      int w = start + 1;
      int i = start;
      while (i >= 0 && walk[i] == 0) {
        walk[i] = w;
        i = next[i];
      }
      if (i >= 0 && walk[i] == w) {
        cycles.add(fromSmallestId(i, next, ids));
      }
    }
    cycles.sort(Comparator.comparingLong(c -> ids[c[0]]));
    return cycles;
  }

  private static int[] fromSmallestId(int member, int[] next, long[] ids) {
    List<Integer> order = new ArrayList<>();
    int i = member;
    do {
      order.add(i);
      i = next[i];
    } while (i != member);
    int first = 0;
    for (int k = 1; k < order.size(); k++) {
      if (ids[order.get(k)] < ids[order.get(first)]) {
        first = k;
      }
    }
    int[] cycle = new int[order.size()];
    for (int k = 0; k < cycle.length; k++) {
      cycle[k] = order.get((first + k) % cycle.length);
    }
    return cycle;
  }
}
