package dev.blockedtime.bootstrap;

import java.lang.StackWalker.StackFrame;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import jdk.internal.vm.annotation.DontInline;

/**
 * Stack walks: the allocation site of a resource, and the stack of a waiting thread with its
 * stable hash. Walks cost microseconds, so callers use them only on rare paths (construction of a
 * resource, waits at least as long as the stack threshold).
 */
public final class Frames {
  /** What {@link #allocationSite()} returns for a resource created by the agent or this extension. */
  public static final String AGENT_OWNED = "\u0000agent";

  // Class references let us recognize the agent's code by its class loader: the agent bundles
  // libraries under their own names (okhttp3.*, for one), so names alone are not enough.
  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static final StackWalker NAMES = StackWalker.getInstance();
  // A wait's walk asks the VM for the frames it will read in one batch. The JDK's walker fills a
  // first batch of 6 frames (JDK 17) or 7 (JDK 25), then one of 12 or 15, and each call into the
  // VM and each frame it fills cost (the VM resolves every frame's method): a lock wait's walk
  // reads about 16 frames (the core's, the operation's, then the 8 it keeps), so it made two calls
  // and had 18 or 22 frames filled (benchmarks/results/stack-walk-sized: 10% less time a walk on
  // JDK 17, 27% on JDK 25). walkFramesRead is the most any wait's walk has read (at most
  // MAX_SKIPPED more than the depth kept): a hint, written without a lock.
  private static final int MAX_SKIPPED = 16;
  private static final StackWalker[] WAITING_WALKERS = new StackWalker[64 + 1];
  private static int walkFramesRead = 16;
  // JDK 17 to 20 count the two slots the walker reserves in its buffer against the depth estimate
  private static final int RESERVED_SLOTS = Runtime.version().feature() >= 21 ? 0 : 2;
  private static final int MAX_SITE_DEPTH = 64;
  // The extension's own packages (not dev.blockedtime.* at large: demos and tests live there).
  private static final String OWN_CORE = "dev.blockedtime.bootstrap.";
  private static final String OWN_EXTENSION = "dev.blockedtime.javaagent.";

  // Classes whose frames belong to the waiting operation itself; the stack hash starts at the
  // first frame below them, i.e. at the caller of the operation the application made.
  private static final String[] WAIT_MACHINERY = {
    "java.util.concurrent.locks.",
    "java.util.concurrent.ArrayBlockingQueue",
    "java.util.concurrent.LinkedBlockingQueue",
    "java.util.concurrent.LinkedBlockingDeque",
    "java.util.concurrent.PriorityBlockingQueue",
    "java.util.concurrent.DelayQueue",
    "java.util.concurrent.SynchronousQueue",
    "java.util.concurrent.LinkedTransferQueue",
    "java.util.concurrent.CountDownLatch",
    "java.util.concurrent.CyclicBarrier",
    "java.util.concurrent.Phaser",
    "java.util.concurrent.Semaphore",
    "java.util.concurrent.ForkJoinPool",
    "java.util.AbstractQueue",
  };

  // The class the JDK's walker gives its frames, and a getter of the descriptor text the VM wrote
  // into such a frame (its field "type", filled with its name: JDK 22 and later), or null.
  private static final Class<?> FRAME_CLASS = frameClass();
  private static final MethodHandle RAW_TYPE = rawType(FRAME_CLASS);
  // A getter of the object the VM gives each frame for its method, or null (see methodId).
  private static final Class<?> RESOLVED_METHOD = resolvedMethodClass();
  private static final MethodHandle METHOD_ID = methodIdGetter(FRAME_CLASS);

  private Frames() {}

  /**
   * {@code frame.getDescriptor()}, without its cost on JDK 22 and later: there it resolves the
   * method's {@code MethodType} (each parameter's class, through the class loader) only to print it
   * again, eight times in each long wait's walk: on JDK 25 most of a walk of a stack seen before
   * (StackWalkBenchmarks, README). The VM has
   * already written the descriptor into the frame as text, with the method's name; this reads it.
   */
  static String descriptor(StackFrame frame) {
    if (RAW_TYPE != null && frame.getClass() == FRAME_CLASS) {
      try {
        frame.getMethodName(); // the VM fills in the name and the descriptor together
        Object type = (Object) RAW_TYPE.invokeExact(frame);
        if (type instanceof String) {
          return (String) type;
        }
        if (type instanceof MethodType) {
          return ((MethodType) type).toMethodDescriptorString();
        }
      } catch (Throwable t) {
        // fall through to the public method
      }
    }
    return frame.getDescriptor();
  }

  private static Class<?> frameClass() {
    try {
      return Class.forName("java.lang.StackFrameInfo", false, null);
    } catch (Throwable t) {
      return null;
    }
  }

  private static MethodHandle rawType(Class<?> frameClass) {
    try {
      if (frameClass == null || frameClass.getDeclaredField("type").getType() != Object.class) {
        return null;
      }
      // needs java.lang opened to the core: BootstrapInjector does that (tests: surefire's argLine)
      return MethodHandles.privateLookupIn(frameClass, MethodHandles.lookup())
          .findGetter(frameClass, "type", Object.class)
          .asType(MethodType.methodType(Object.class, StackFrame.class));
    } catch (Throwable t) {
      return null; // JDK 17's frames have no such field; their getDescriptor() is cheap
    }
  }

  /**
   * The object that stands for {@code frame}'s method, the same for every frame of that method,
   * or null. The VM identifies a frame's method to Java with a {@code ResolvedMethodName} that it
   * interns (one per method, while it lives): on JDK 17 in the
   * frame's {@code MemberName}, from JDK 22 in the frame itself. Comparing it costs nothing,
   * where the method's name and descriptor cost a call into the VM for each frame (it writes them
   * only when asked). Needs {@code java.lang} and, on JDK 17, {@code java.lang.invoke} opened to
   * the core, which BootstrapInjector does.
   */
  static Object methodId(StackFrame frame) {
    if (METHOD_ID != null && frame.getClass() == FRAME_CLASS) {
      try {
        Object id = (Object) METHOD_ID.invokeExact(frame);
        if (id != null && id.getClass() == RESOLVED_METHOD) {
          return id;
        }
      } catch (Throwable t) {
        // no identity: the caller compares names
      }
    }
    return null;
  }

  private static Class<?> resolvedMethodClass() {
    try {
      return Class.forName("java.lang.invoke.ResolvedMethodName", false, null);
    } catch (Throwable t) {
      return null;
    }
  }

  private static MethodHandle methodIdGetter(Class<?> frameClass) {
    if (frameClass == null || RESOLVED_METHOD == null) {
      return null;
    }
    MethodType shape = MethodType.methodType(Object.class, StackFrame.class);
    try {
      // JDK 22 and later: the frame's superclass holds the method (or, for a walker that asked
      // for classes only, the class)
      Class<?> classFrame = frameClass.getSuperclass();
      if (classFrame.getName().equals("java.lang.ClassFrameInfo")) {
        return MethodHandles.privateLookupIn(classFrame, MethodHandles.lookup())
            .findGetter(classFrame, "classOrMemberName", Object.class)
            .asType(shape);
      }
      // JDK 17: the frame's MemberName holds it
      Class<?> memberName = Class.forName("java.lang.invoke.MemberName", false, null);
      MethodHandle frameMember =
          MethodHandles.privateLookupIn(frameClass, MethodHandles.lookup())
              .findGetter(frameClass, "memberName", Object.class)
              .asType(MethodType.methodType(memberName, frameClass));
      // no lookup may be made in java.lang.invoke itself: an opened field, unreflected
      Field methodField = memberName.getDeclaredField("method");
      methodField.setAccessible(true);
      MethodHandle method =
          MethodHandles.lookup()
              .unreflectGetter(methodField)
              .asType(MethodType.methodType(Object.class, memberName));
      return MethodHandles.filterReturnValue(frameMember, method).asType(shape);
    } catch (Throwable t) {
      return null; // not opened, or another JDK's layout: names are compared
    }
  }

  /** Whether {@link #methodId} has an identity to give (for tests). */
  static boolean identifiesMethods() {
    return METHOD_ID != null;
  }

  /** Whether {@link #descriptor} reads the frame's own text (for tests). */
  static boolean readsRawDescriptors() {
    return RAW_TYPE != null;
  }

  static boolean isJdk(String className) {
    return className.startsWith("java.")
        || className.startsWith("javax.")
        || className.startsWith("jdk.")
        || className.startsWith("sun.")
        || className.startsWith("com.sun.");
  }

  static boolean isAgent(String className) {
    return className.startsWith("io.opentelemetry.javaagent.") || isOwn(className);
  }

  static boolean isOwn(String className) {
    return className.startsWith(OWN_CORE) || className.startsWith(OWN_EXTENSION);
  }

  /**
   * Whether the innermost frame of {@code className.method} on this thread's stack was called
   * by {@code className.caller}, through any number of overrides of {@code method} (frames of
   * that method name: an application subclass's override that calls super's).
   */
  // The walks below iterate the walker's own stream, counting: a limit() stage would make C2
  // compile the stream's wrapping spliterator (half a second of a compiler thread, as
  // benchmarks/churn-compilation.sh lists it) while the application waits.
  @DontInline // a stack walk, reached from the advice inside the JDK's methods (see BlockedTime#finish)
  static boolean calledFrom(String className, String method, String caller) {
    return NAMES.walk(
        frames -> {
          boolean below = false;
          Iterator<StackFrame> it = frames.iterator();
          for (int depth = 0; depth < MAX_SITE_DEPTH && it.hasNext(); depth++) {
            StackFrame f = it.next();
            boolean match = f.getClassName().equals(className);
            if (below) {
              if (f.getMethodName().equals(method)) {
                continue; // an override that called super's
              }
              return match && f.getMethodName().equals(caller);
            }
            below = match && f.getMethodName().equals(method);
          }
          return false;
        });
  }

  /** Classes the agent's or an extension's class loader defined (the agent's bundled libraries). */
  static boolean isAgentLoaded(StackFrame frame) {
    try {
      ClassLoader loader = frame.getDeclaringClass().getClassLoader();
      return loader != null && loader.getClass().getName().startsWith("io.opentelemetry.javaagent.");
    } catch (UnsupportedOperationException e) {
      return false; // a walker without class references
    }
  }

  static boolean isWaitMachinery(String className) {
    for (String prefix : WAIT_MACHINERY) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  static String format(StackFrame frame) {
    return frame.getClassName() + "." + frame.getMethodName() + ":" + frame.getLineNumber();
  }

  /**
   * The first frame of the current thread outside the JDK, the agent and this extension, as
   * {@code class.method:line}; {@link #AGENT_OWNED} when the first frame outside the JDK is the
   * agent's or ours; {@code null} when no such frame exists (a resource the JDK made for itself).
   */
  public static String allocationSite() {
    return WALKER.walk(Frames::allocationSite);
  }

  /**
   * The same for a resource of class {@code resourceClass} being constructed: the constructors of
   * its own class hierarchy are skipped, so an application subclass is named where the application
   * constructed it, not by its constructor's line.
   */
  public static String allocationSite(Class<?> resourceClass) {
    return WALKER.walk(frames -> allocationSite(frames, resourceClass));
  }

  static String allocationSite(Stream<StackFrame> frames) {
    return allocationSite(frames, null);
  }

  static String allocationSite(Stream<StackFrame> frames, Class<?> resourceClass) {
    Iterator<StackFrame> it = frames.iterator();
    boolean leadingOwn = true;
    for (int depth = 0; depth < MAX_SITE_DEPTH && it.hasNext(); depth++) {
      StackFrame frame = it.next();
      String cls = frame.getClassName();
      if (leadingOwn && isOwn(cls)) {
        continue; // our own hook frames at the top of the stack
      }
      leadingOwn = false;
      if (isJdk(cls) || isOwnConstructor(frame, resourceClass)) {
        continue;
      }
      return isAgent(cls) || isAgentLoaded(frame) ? AGENT_OWNED : format(frame);
    }
    return null;
  }

  private static boolean isOwnConstructor(StackFrame frame, Class<?> resourceClass) {
    return resourceClass != null
        && frame.getMethodName().equals("<init>")
        && frame.getDeclaringClass().isAssignableFrom(resourceClass);
  }

  /**
   * The waiting thread's stack from the caller of the blocking operation, at most {@code depth}
   * frames, or null if nothing is left after the operation's own frames.
   *
   * <p>A stack seen recently is found in {@link StackCache} by its frames' methods and bytecode
   * indexes, which the walk has at hand: only a stack not found there pays for its line numbers
   * (the JVM builds a {@code StackTraceElement} for each frame), its text and its hash.
   */
  @DontInline // see BlockedTime#finish
  public static StackInfo waitingStack(int depth) {
    return waitingWalker().walk(s -> waitingStack(s, depth));
  }

  /** The walker whose first batch holds the most frames a wait's walk has read. */
  static StackWalker waitingWalker() {
    int estimate = Math.min(walkFramesRead + RESERVED_SLOTS, WAITING_WALKERS.length - 1);
    StackWalker walker = WAITING_WALKERS[estimate];
    if (walker == null) { // built once per size; a race builds an equal one
      walker = StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), estimate);
      WAITING_WALKERS[estimate] = walker;
    }
    return walker;
  }

  /** How many frames the next wait's walk asks the VM for in its first batch. */
  static int walkFramesRead() {
    return walkFramesRead;
  }

  static StackInfo waitingStack(Stream<StackFrame> frames, int depth) {
    StackFrame[] top = new StackFrame[depth];
    int n = waitingFrames(frames, top);
    return n == 0 ? null : StackCache.lookup(top, n);
  }

  /** The waiting stack's frames as {@code class.method:line}, without the cache. */
  static List<String> waitingFrames(Stream<StackFrame> frames, int depth) {
    StackFrame[] top = new StackFrame[depth];
    return lines(top, waitingFrames(frames, top));
  }

  /** The first {@code n} of {@code frames} as {@code class.method:line}. */
  static List<String> lines(StackFrame[] frames, int n) {
    List<String> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lines.add(format(frames[i]));
    }
    return lines;
  }

  /** Fills {@code top} with the frames below the operation's own; returns how many. */
  private static int waitingFrames(Stream<StackFrame> frames, StackFrame[] top) {
    int n = 0;
    int read = 0;
    Iterator<StackFrame> it = frames.iterator();
    boolean skipping = true;
    // n first: asking for a frame past the last one kept could make the walker fetch a batch
    while (n < top.length && it.hasNext()) {
      StackFrame frame = it.next();
      read++;
      String cls = frame.getClassName();
      if (skipping && (isOwn(cls) || isWaitMachinery(cls))) {
        continue;
      }
      skipping = false;
      top[n++] = frame;
    }
    if (read > walkFramesRead) {
      walkFramesRead = Math.min(read, top.length + MAX_SKIPPED);
    }
    return n;
  }

  /** A stack as text and its stable hash. */
  public static final class StackInfo {
    public final String hash;
    public final String text;

    private StackInfo(String hash, String text) {
      this.hash = hash;
      this.text = text;
    }

    static StackInfo of(StackFrame[] frames, int n) {
      return of(lines(frames, n));
    }

    static StackInfo of(List<String> lines) {
      String text = String.join("\n", lines);
      return new StackInfo(hash(text), text);
    }

    /** FNV-1a, 64 bits, over the UTF-8 text: stable across JVMs and restarts. */
    static String hash(String text) {
      long h = 0xcbf29ce484222325L;
      for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
        h ^= (b & 0xff);
        h *= 0x100000001b3L;
      }
      String hex = Long.toHexString(h);
      return "0000000000000000".substring(hex.length()) + hex;
    }
  }
}
