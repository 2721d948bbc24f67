package dev.blockedtime.javaagent;

import java.io.File;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Puts the bootstrap core on the bootstrap class path, where advice inlined into {@code
 * java.util.concurrent} can call it, and opens {@code java.util.concurrent} to it so that it can
 * read the queues' internal locks and conditions (and {@code java.lang}, for the descriptor text of
 * a stack frame: {@code Frames.descriptor}).
 *
 * <p>The core travels inside the extension jar as a nested jar rather than as classes, so the
 * extension's own class loader can never define a second copy of it. This class must not refer to
 * any core class: it runs before the core is loadable.
 */
final class BootstrapInjector {
  static final String CORE_CLASS = "dev.blockedtime.bootstrap.BlockedTime";
  private static final String NESTED_JAR = "blocked-time-bootstrap.jar.bin";

  private BootstrapInjector() {}

  /** Returns true when the core is loadable from the bootstrap class loader. */
  static boolean inject() {
    try {
      if (bootstrapHasCore()) {
        return true; // a second extension jar or a re-run: already done
      }
      Instrumentation inst = instrumentation();
      File jar = File.createTempFile("blocked-time-bootstrap", ".jar");
      jar.deleteOnExit();
      try (InputStream in = BootstrapInjector.class.getResourceAsStream(NESTED_JAR)) {
        if (in == null) {
          throw new IllegalStateException(NESTED_JAR + " is missing from the extension jar");
        }
        Files.copy(in, jar.toPath(), StandardCopyOption.REPLACE_EXISTING);
      }
      try (JarFile opened = new JarFile(jar)) {
        inst.appendToBootstrapClassLoaderSearch(opened);
      }
      // The JVM opened the jar as it appended it and reads classes through that handle, so the
      // file can go now: a JVM killed before its exit hooks run (SIGKILL, the OOM killer) would
      // otherwise leave a copy in the temp directory at every start. Where an open file cannot be
      // deleted (Windows), deleteOnExit stays the fallback.
      deleteQuietly(jar);
      Module core = Class.forName(CORE_CLASS, false, null).getModule();
      Map<String, Set<Module>> opens = new HashMap<>();
      opens.put("java.util.concurrent", Collections.singleton(core));
      opens.put("java.util.concurrent.locks", Collections.singleton(core));
      // a stack frame's descriptor text and its method's identity (Frames.descriptor, methodId)
      opens.put("java.lang", Collections.singleton(core));
      opens.put("java.lang.invoke", Collections.singleton(core)); // JDK 17's frames keep it there
      inst.redefineModule(
          Object.class.getModule(),
          Collections.emptySet(),
          Collections.emptyMap(),
          opens,
          Collections.emptySet(),
          Collections.emptyMap());
      return true;
    } catch (Throwable t) {
      System.err.println(
          "[blocked-time] WARN cannot install the bootstrap core; blocked-time is disabled: " + t);
      return false;
    }
  }

  private static void deleteQuietly(File jar) {
    try {
      Files.deleteIfExists(jar.toPath());
    } catch (Exception | LinkageError ignored) {
      // still open elsewhere: deleteOnExit removes it
    }
  }

  private static boolean bootstrapHasCore() {
    try {
      Class.forName(CORE_CLASS, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  static Instrumentation instrumentation() throws Exception {
    Class<?> holder =
        Class.forName("io.opentelemetry.javaagent.bootstrap.InstrumentationHolder", false, null);
    Instrumentation inst = (Instrumentation) holder.getMethod("getInstrumentation").invoke(null);
    if (inst == null) {
      throw new IllegalStateException("the agent has no Instrumentation");
    }
    return inst;
  }
}
