package dev.blockedtime.javaagent.instrumentation;

import dev.blockedtime.bootstrap.Log;
import dev.blockedtime.bootstrap.Resources;
import dev.blockedtime.bootstrap.Settings;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Names resources where the application builds them, without a stack walk. When an application
 * class loads, each {@code new} of a covered {@code java.util.concurrent} type, each {@code
 * Executors.new*} call and each {@code newCondition()} call in it is followed by a call into
 * {@link dev.blockedtime.bootstrap.Sites} with the object just built and, as a constant, the
 * number {@code Resources.siteId} gives the call site ({@code class.method:line}, the same text a
 * stack walk at that moment would give) and the type built there.
 *
 * <p>Cost: at class load, one scan of the class file's bytes for the names of what it hooks; only
 * classes that mention one are parsed, and only those with a call to rewrite are changed. At
 * run time, the added call (see {@code Sites}); nothing for code that builds no resource.
 *
 * <p>What is not rewritten: the JDK, the agent and this extension; classes in a class loader that
 * cannot see the bootstrap core. Resources the JDK builds inside its own APIs are the JDK's, as
 * before. An application subclass of a covered type is named by the constructor advice's stack
 * walk (the rare fallback).
 */
public final class AllocationSites implements ClassFileTransformer {
  private static final String SITES = "dev/blockedtime/bootstrap/Sites";
  private static final byte[] JUC = "java/util/concurrent/".getBytes(StandardCharsets.ISO_8859_1);
  private static final String CONDITION_DESCRIPTOR = "()Ljava/util/concurrent/locks/Condition;";
  private static final byte[] NEW_CONDITION = "newCondition".getBytes(StandardCharsets.ISO_8859_1);

  private static final String HOOK_DESCRIPTOR = "(Ljava/lang/Object;I)V";

  /** What a covered {@code new T(...)} calls afterwards: {@code Sites.method(object, siteNumber)}. */
  static final class Hook {
    final String method;
    final String type;

    Hook(String method, String type) {
      this.method = method;
      this.type = type;
    }
  }

  private final Map<String, Hook> constructors; // internal name of the covered type -> hook
  private final boolean conditions;
  private final boolean executors;
  // What follows "java/util/concurrent/" in the name of a hooked type, as bytes
  private final byte[][] hookedNames;
  private final Map<ClassLoader, Boolean> seesCore = new WeakHashMap<>();

  AllocationSites(Map<String, Hook> constructors, boolean conditions, boolean executors) {
    this.constructors = constructors;
    this.conditions = conditions;
    this.executors = executors;
    java.util.List<String> names = new ArrayList<>();
    for (String type : constructors.keySet()) {
      names.add(type.substring("java/util/concurrent/".length()));
    }
    if (executors) {
      names.add("Executors");
    }
    hookedNames = new byte[names.size()][];
    for (int i = 0; i < hookedNames.length; i++) {
      hookedNames[i] = names.get(i).getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  /** Installs the transformer for the parts that are on; logs one line if it cannot. */
  public static void install(Callable<Instrumentation> instrumentation, Settings settings) {
    try {
      Map<String, Hook> constructors = new HashMap<>();
      if (settings.queues) {
        for (String queue : Resources.QUEUE_TYPES) {
          constructors.put("java/util/concurrent/" + queue, new Hook("composite", queue));
        }
      }
      if (settings.locks) {
        for (String lock : LockInstrumentation.CLASSES) {
          String simple = lock.substring(lock.lastIndexOf('.') + 1);
          String method = simple.equals("CyclicBarrier") ? "composite" : "lock";
          constructors.put(lock.replace('.', '/'), new Hook(method, simple));
        }
      }
      if (settings.executors) {
        for (String pool : new String[] {"ThreadPoolExecutor", "ScheduledThreadPoolExecutor", "ForkJoinPool"}) {
          constructors.put("java/util/concurrent/" + pool, new Hook("pool", pool));
        }
      }
      if (constructors.isEmpty()) {
        return;
      }
      boolean executors = settings.queues || settings.executors; // an Executors pool: its queue, itself
      instrumentation
          .call()
          .addTransformer(new AllocationSites(constructors, settings.locks, executors), false);
    } catch (Throwable t) {
      Log.once("sites", "cannot rewrite allocation sites; resources built by the application are not named", t);
    }
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    try {
      if (loader == null || className == null || classBeingRedefined != null || !isApplication(className)) {
        return null;
      }
      if (!mentionsWhatItHooks(classfileBuffer) || !seesCore(loader)) {
        return null;
      }
      return rewrite(classfileBuffer, className.replace('/', '.'));
    } catch (Throwable t) {
      Log.once("sites.class", "cannot rewrite the allocation sites of a class; its resources are not named", t);
      return null;
    }
  }

  /** The class with its allocation sites followed by hooks, or null when it has none. */
  byte[] rewrite(byte[] bytes, String className) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(reader, 0);
    boolean[] changed = new boolean[1];
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return mv == null ? null : new SiteHooks(mv, className + "." + name + ":", changed);
          }
        },
        0);
    return changed[0] ? writer.toByteArray() : null;
  }

  /** Adds the hooks in one method, tracking the current line and the pending {@code new}s. */
  private final class SiteHooks extends MethodVisitor {
    private final String prefix;
    private final boolean[] changed;
    // The types of the NEWs whose constructor has not been called yet, innermost last, marked
    // with a leading '!' when the next instruction did not DUP the new reference (javac's
    // `new T(...)` always does, and only then is a reference to the new object left on the stack
    // after its constructor for a hook to take).
    private final ArrayList<String> pendingNew = new ArrayList<>();
    private String justCreated; // the type of a NEW that was the previous instruction
    private int line = -1;
    private boolean hooked;

    SiteHooks(MethodVisitor mv, String prefix, boolean[] changed) {
      super(Opcodes.ASM9, mv);
      this.prefix = prefix;
      this.changed = changed;
    }

    /** Before each instruction: a NEW just before it is now pending, DUPped or not. */
    private void next(boolean dup) {
      if (justCreated != null) {
        pendingNew.add(dup ? justCreated : "!" + justCreated);
        justCreated = null;
      }
    }

    @Override
    public void visitLineNumber(int line, Label start) {
      this.line = line;
      super.visitLineNumber(line, start);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      next(false);
      super.visitTypeInsn(opcode, type);
      if (opcode == Opcodes.NEW) {
        justCreated = type;
      }
    }

    @Override
    public void visitInsn(int opcode) {
      next(opcode == Opcodes.DUP);
      super.visitInsn(opcode);
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      next(false);
      super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
      if (opcode == Opcodes.INVOKESPECIAL && name.equals("<init>")) {
        // A constructor call ends the innermost pending NEW; a call on another type is a
        // super() or this() call, which builds nothing new.
        int last = pendingNew.size() - 1;
        String pending = last >= 0 ? pendingNew.get(last) : "";
        if (owner.equals(pending)) {
          pendingNew.remove(last);
          Hook hook = constructors.get(owner);
          if (hook != null) { // the DUPped new object is on top of the stack
            hook(hook.method, hook.type);
          }
        } else if (pending.length() == owner.length() + 1 && pending.endsWith(owner)) {
          pendingNew.remove(last); // a NEW without a DUP: nothing to hook
        }
      } else if (executors
          && opcode == Opcodes.INVOKESTATIC
          && owner.equals("java/util/concurrent/Executors")
          && name.startsWith("new")
          && descriptor.endsWith(";")) {
        hook("executor", "Executor");
      } else if (conditions
          && opcode != Opcodes.INVOKESTATIC
          && name.equals("newCondition")
          && descriptor.equals(CONDITION_DESCRIPTOR)) {
        hook("condition", "Condition");
      }
    }

    /**
     * Passes the object on top of the stack (just built, or just returned) to {@code
     * Sites.method}, with the number of this site for {@code type} as a constant.
     */
    private void hook(String method, String type) {
      super.visitInsn(Opcodes.DUP);
      super.visitLdcInsn(Resources.siteId(type, site()));
      super.visitMethodInsn(Opcodes.INVOKESTATIC, SITES, method, HOOK_DESCRIPTOR, false);
      hooked = true;
    }

    private String site() {
      return prefix + line;
    }

    // Every other instruction only ends a NEW's chance of being DUPped.

    @Override
    public void visitIntInsn(int opcode, int operand) {
      next(false);
      super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      next(false);
      super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      next(false);
      super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, org.objectweb.asm.Handle bootstrapMethodHandle,
        Object... bootstrapMethodArguments) {
      next(false);
      super.visitInvokeDynamicInsn(name, descriptor, bootstrapMethodHandle, bootstrapMethodArguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      next(false);
      super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
      next(false);
      super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
      next(false);
      super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      next(false);
      super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      next(false);
      super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      next(false);
      super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      next(false);
      super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      // a hook pushes at most three values on top of what was there
      super.visitMaxs(hooked ? maxStack + 3 : maxStack, maxLocals);
      if (hooked) {
        changed[0] = true;
      }
    }
  }

  /** Not the JDK, the agent, this extension or a library the agent bundles under its own name. */
  static boolean isApplication(String internalName) {
    return !(internalName.startsWith("java/")
        || internalName.startsWith("javax/")
        || internalName.startsWith("jdk/")
        || internalName.startsWith("sun/")
        || internalName.startsWith("com/sun/")
        || internalName.startsWith("io/opentelemetry/javaagent/")
        || internalName.startsWith("dev/blockedtime/bootstrap/")
        || internalName.startsWith("dev/blockedtime/javaagent/"));
  }

  /**
   * Whether classes of {@code loader} resolve the bootstrap core to the core itself (not the
   * agent's own loaders, and not a loader that does not delegate to the bootstrap loader).
   */
  private boolean seesCore(ClassLoader loader) {
    synchronized (seesCore) {
      Boolean known = seesCore.get(loader);
      if (known != null) {
        return known;
      }
    }
    boolean sees;
    if (loader.getClass().getName().startsWith("io.opentelemetry.javaagent.")) {
      sees = false;
    } else {
      try {
        sees =
            Class.forName(SITES.replace('/', '.'), false, loader)
                == Class.forName(SITES.replace('/', '.'), false, null);
      } catch (Throwable t) {
        sees = false;
      }
    }
    synchronized (seesCore) {
      seesCore.put(loader, sees);
    }
    return sees;
  }

  /**
   * Whether the class file names a covered type, {@code Executors} or {@code newCondition} (its
   * constant pool holds them as text): most classes that use {@code java.util.concurrent} use
   * only its maps and atomics, and are then not parsed at all.
   */
  boolean mentionsWhatItHooks(byte[] bytes) {
    if (conditions && indexOf(bytes, NEW_CONDITION, 0) >= 0) {
      return true;
    }
    for (int at = indexOf(bytes, JUC, 0); at >= 0; at = indexOf(bytes, JUC, at + JUC.length)) {
      for (byte[] name : hookedNames) {
        if (startsWith(bytes, at + JUC.length, name)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] bytes, int from, byte[] prefix) {
    if (from + prefix.length > bytes.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    byte first = needle[0];
    int last = haystack.length - needle.length;
    outer:
    for (int i = from; i <= last; i++) {
      if (haystack[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
