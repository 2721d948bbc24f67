package dev.blockedtime.e2e.scenarios.safety;

import java.lang.reflect.Method;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * More distinct code paths and more distinct allocation sites than the extension keeps apart.
 *
 * <p>Code paths: a recursion twelve levels deep that takes, at each level, one of two calls on
 * different lines, so path {@code p} (its bits) is a stack of its own; at the bottom, one timed
 * {@code poll} that times out at once. With {@code stack-depth=64} and {@code stack-threshold=0}
 * every path is a distinct stack hash.
 *
 * <p>Allocation sites: {@code ManySites.make(i)}, a class the test generates with one {@code new
 * Semaphore(0)} per line, so every {@code i} is a site of its own; each semaphore waits once
 * (a timed {@code tryAcquire} that times out at once).
 */
final class Cardinality {
  static final String GENERATED_SITES = "dev.blockedtime.e2e.generated.ManySites";
  private static final int LEVELS = 12;

  private Cardinality() {}

  static BlockingQueue<Object> pathsQueue() {
    return new ArrayBlockingQueue<>(1);
  }

  /** Waits once on each of {@code paths} distinct code paths; prints {@code RESULT stacks}. */
  static void distinctStacks(int paths) throws InterruptedException {
    if (paths > 1 << LEVELS) {
      throw new IllegalArgumentException("at most " + (1 << LEVELS) + " paths");
    }
    BlockingQueue<Object> queue = pathsQueue();
    int waits = 0;
    for (int path = 0; path < paths; path++) {
      waits += descend(queue, path, LEVELS);
    }
    Safety.result("stacks", "paths", paths, "waits", waits);
  }

  private static int descend(BlockingQueue<Object> queue, int path, int level)
      throws InterruptedException {
    if (level == 0) {
      return queue.poll(1, TimeUnit.NANOSECONDS) == null ? 1 : 0;
    }
    if ((path >> (level - 1) & 1) == 0) {
      return descend(queue, path, level - 1);
    } else {
      return descend(queue, path, level - 1);
    }
  }

  /** One semaphore from each of {@code sites} generated lines, each waiting once. */
  static void distinctSites(int sites) throws Exception {
    Method make = Class.forName(GENERATED_SITES).getMethod("make", int.class);
    int waits = 0;
    for (int i = 0; i < sites; i++) {
      Semaphore semaphore = (Semaphore) make.invoke(null, i);
      if (!semaphore.tryAcquire(1, TimeUnit.NANOSECONDS)) {
        waits++;
      }
    }
    Safety.result("sites", "sites", sites, "waits", waits);
  }
}
