package dev.blockedtime.e2e.scenarios.safety;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;

/**
 * Which subclasses of the JDK types that applications call on their fast paths are loaded, once
 * everything the agent and the extension do at start-up is done (the JFR stream starts ten seconds
 * in). A loaded subclass that overrides a method (as {@code CompletableFuture$MinimalStage}
 * overrides {@code join()}) keeps the JIT from binding a call on the base type to one
 * implementation. Prints {@code RESULT subclasses type=<T> loaded=<a;b;...>} per type, sorted.
 */
public final class LoadedSubclassesScenario {
  // Not here, as the extension does load a subclass the agent alone does not (left for now):
  // ThreadPoolExecutor (ScheduledThreadPoolExecutor, which overrides execute and submit) and
  // ReentrantLock (ConcurrentHashMap$Segment, which overrides nothing, so it costs nothing).
  public static final List<String> TYPES =
      List.of(
          "java.util.concurrent.CompletableFuture",
          "java.util.concurrent.FutureTask",
          "java.util.concurrent.ArrayBlockingQueue",
          "java.util.concurrent.LinkedBlockingQueue",
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
      // "-s" prints the type's superclasses above it and its subclasses below, indented deeper
      List<String> loaded = new ArrayList<>();
      int typeDepth = -1;
      for (String line : tree.split("\n")) {
        int depth = line.indexOf("|--");
        String name = depth >= 0 ? line.substring(depth + 3) : line;
        int loader = name.indexOf('/');
        name = loader >= 0 ? name.substring(0, loader) : name;
        if (typeDepth < 0) {
          typeDepth = name.equals(type) ? depth : -1;
        } else if (depth > typeDepth) {
          loaded.add(name);
        } else {
          break;
        }
      }
      loaded.sort(null);
      Safety.result("subclasses", "type", type, "loaded", String.join(";", loaded));
    }
  }
}
