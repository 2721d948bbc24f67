package dev.blockedtime.e2e.scenarios.safety;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Helpers shared by the safety scenarios; they run inside the scenario JVM. Every measurement a
 * scenario makes is printed as one machine-readable line, {@code RESULT <name> key=value ...},
 * which the test parses (values never contain spaces).
 */
final class Safety {
  private Safety() {}

  /** Prints {@code RESULT name k1=v1 k2=v2 ...} and flushes it at once. */
  static void result(String name, Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values come in pairs");
    }
    StringBuilder line = new StringBuilder("RESULT ").append(name);
    for (int i = 0; i < keyValues.length; i += 2) {
      line.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
    }
    System.out.println(line);
    System.out.flush();
  }

  /** Whether this JVM has virtual threads (JDK 21+). */
  static boolean hasVirtualThreads() {
    return Runtime.version().feature() >= 21;
  }

  /**
   * Platform daemon threads, or virtual threads (always daemon) on JDK 21+, named {@code
   * prefix-N}. Virtual threads are built reflectively so this compiles for release 17.
   */
  static ThreadFactory threads(String prefix, boolean virtual) {
    if (!virtual) {
      AtomicInteger n = new AtomicInteger();
      return r -> {
        Thread t = new Thread(r, prefix + "-" + n.getAndIncrement());
        t.setDaemon(true);
        return t;
      };
    }
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix + "-", 0L);
      return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need JDK 21+", e);
    }
  }

  /** Starts {@code count} threads from {@code factory}; task {@code i} gets index {@code i}. */
  static List<Thread> start(ThreadFactory factory, int count, IndexedTask task) {
    List<Thread> started = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int index = i;
      Thread t =
          factory.newThread(
              () -> {
                try {
                  task.run(index);
                } catch (Throwable e) {
                  System.out.println("UNEXPECTED in " + Thread.currentThread().getName() + ": " + e);
                  e.printStackTrace(System.out);
                }
              });
      t.start();
      started.add(t);
    }
    return started;
  }

  interface IndexedTask {
    void run(int index) throws Exception;
  }

  /** Joins every thread until {@code deadlineNanos}; returns how many are still alive. */
  static int joinAll(List<Thread> threads, long deadlineNanos) throws InterruptedException {
    int stuck = 0;
    for (Thread t : threads) {
      long left = deadlineNanos - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, left / 1_000_000));
      }
      if (t.isAlive()) {
        stuck++;
      }
    }
    if (stuck > 0) {
      System.out.println("STUCK " + stuck + " threads; first of them:");
      for (Thread t : threads) {
        if (t.isAlive()) {
          System.out.println("  " + t + " " + t.getState());
          for (StackTraceElement e : t.getStackTrace()) {
            System.out.println("    at " + e);
          }
          break;
        }
      }
    }
    return stuck;
  }

  /** Used heap after full collections: the live set, in bytes. */
  static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) { // weak references cleared by one GC are freed by the next
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /**
   * Live bytes on the heap by HotSpot's class histogram (which runs a full GC first): the sum of
   * every live object's size, without the allocator's slack that {@link #usedHeapAfterGc} sees.
   * Returns {@code {all, in jdk.internal.vm.StackChunk}}: the frames of parked virtual threads,
   * whose size depends on whether those frames were compiled yet. {@code {-1, -1}} where the
   * diagnostic command is missing.
   */
  static long[] liveBytesByClassHistogram() {
    try {
      javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      String histogram =
          (String) server.invoke(
              new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
              "gcClassHistogram",
              new Object[] {new String[0]},
              new String[] {String[].class.getName()});
      long total = -1;
      long stackChunks = 0;
      for (String line : histogram.split("\n")) {
        String[] words = line.trim().split("\\s+"); // "<n>: <instances> <bytes> <class> ..."
        if (words.length >= 3 && words[0].equals("Total")) {
          total = Long.parseLong(words[2]);
        } else if (words.length >= 4 && words[3].equals("jdk.internal.vm.StackChunk")) {
          stackChunks = Long.parseLong(words[2]);
        }
      }
      return new long[] {total, stackChunks};
    } catch (Exception e) {
      return new long[] {-1, -1};
    }
  }

  static long deadline(long millis) {
    return System.nanoTime() + millis * 1_000_000L;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Total CPU time of the threads whose name starts with {@code prefix} (the agent's, e.g.). */
  static long cpuNanosOfThreadsNamed(String prefix) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds(), 0)) {
      if (info != null && info.getThreadName().startsWith(prefix)) {
        long cpu = mx.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }

  /** Now, as nanoseconds since the epoch, comparable with exported points' timestamps. */
  static long epochNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.2f", bytes / (1024.0 * 1024.0));
  }
}
