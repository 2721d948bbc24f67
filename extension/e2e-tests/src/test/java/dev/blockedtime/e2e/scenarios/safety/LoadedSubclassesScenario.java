package dev.blockedtime.e2e.scenarios.safety;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.management.ObjectName;

/**
 * Which subclasses of the JDK types that applications call on their fast paths are loaded, once
 * everything the agent and the extension do at start-up is done (the JFR stream starts ten seconds
 * in). A loaded subclass that overrides a method (as {@code CompletableFuture$MinimalStage}
 * overrides {@code join()}) keeps the JIT from binding a call on the base type to one
 * implementation. Prints {@code RESULT subclasses type=<T> loaded=<a;b;...>} per type, sorted.
 */
public final class LoadedSubclassesScenario {
  public static final List<String> TYPES =
      List.of(
          "java.util.concurrent.CompletableFuture",
          "java.util.concurrent.FutureTask",
          "java.util.concurrent.ThreadPoolExecutor",
          "java.util.concurrent.ArrayBlockingQueue",
          "java.util.concurrent.LinkedBlockingQueue",
          "java.util.concurrent.locks.ReentrantLock",
          "java.util.concurrent.Semaphore",
          "java.util.concurrent.CountDownLatch");

  public static void main(String[] args) throws Exception {
    Thread.sleep(Long.parseLong(args[0]));
    for (String type : TYPES) {
      String tree =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "vmClassHierarchy",
                      new Object[] {new String[] {type, "-s"}},
                      new String[] {String[].class.getName()});
      // "-s" prints the type's superclasses above it and its subclasses below, indented deeper. A
      // class that was retransformed (the extension retransforms ReentrantLock) can be listed
      // twice, the old version without its subclasses: every listing of the type counts.
      Set<String> loaded = new TreeSet<>();
      int typeDepth = -1;
      boolean below = false;
      for (String line : tree.split("\n")) {
        int depth = line.indexOf("|--");
        String name = depth >= 0 ? line.substring(depth + 3) : line;
        int loader = name.indexOf('/');
        name = loader >= 0 ? name.substring(0, loader) : name;
        if (name.equals(type)) {
          typeDepth = depth;
          below = true;
        } else if (below && depth > typeDepth) {
          loaded.add(name);
        } else {
          below = false;
        }
      }
      Safety.result("subclasses", "type", type, "loaded", String.join(";", loaded));
    }
  }
}
