package dev.blockedtime.javaagent.instrumentation;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * {@code LinkedBlockingDeque}'s {@code put}, {@code take} and timed {@code offer} and {@code poll}
 * only call {@code putLast}, {@code takeFirst}, {@code offerLast} and {@code pollFirst}. This
 * transformer gives each of the four a copy of its delegate's body, taken when the deque's own
 * class is the receiver ({@code getClass() == LinkedBlockingDeque.class}; a subclass keeps the
 * virtual call, and so its overrides). Then the queue instrumentation names a wait in that copy
 * after the method the application called, as it does for every other queue, and the wait path
 * needs no stack walk to tell {@code put} from {@code putLast} (it took one on every wait of those
 * methods: 1.2% of issue #10's churn program's CPU on JDK 25).
 *
 * <p>It runs before the agent's own transformer (it is added first and can retransform), so the
 * agent's advice and member substitution see the copies as the methods' own code. A method whose
 * body is not the one-call delegation it expects is left as it is, and its waits keep the walk.
 * The core is told which copies were made as they are made, before the class is defined: should
 * a later transformer fail on the class, the JVM loads the JDK's own, and those four methods'
 * waits would be named after their delegates (the agent logs such a failure).
 *
 * <p>What changes for the application: nothing but stack traces through those four methods, which
 * show one frame ({@code put}, at a line of {@code putLast}) where they showed two.
 */
public final class DequeDelegates implements ClassFileTransformer {
  static final String DEQUE = "java/util/concurrent/LinkedBlockingDeque";

  /** Each delegating method (name and descriptor) and the method it calls. */
  static final Map<String, String> DELEGATES =
      Map.of(
          "put(Ljava/lang/Object;)V", "putLast",
          "take()Ljava/lang/Object;", "takeFirst",
          "offer(Ljava/lang/Object;JLjava/util/concurrent/TimeUnit;)Z", "offerLast",
          "poll(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;", "pollFirst");

  /** Adds the transformer; logs one line if it cannot (the waits keep the stack walk). */
  public static void install(Callable<Instrumentation> instrumentation) {
    try {
      instrumentation.call().addTransformer(new DequeDelegates(), true);
    } catch (Throwable t) {
      Log.once("deque", "cannot copy LinkedBlockingDeque's delegates; its put and take waits are named by a stack walk", t);
    }
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (loader != null || !DEQUE.equals(className)) {
      return null;
    }
    try {
      Set<String> copied = new HashSet<>();
      byte[] rewritten = rewrite(classfileBuffer, copied);
      if (!copied.isEmpty()) {
        BlockedTime.dequeDelegatesCopied(copied.toArray(new String[0]));
      }
      return rewritten;
    } catch (Throwable t) {
      Log.once("deque", "cannot copy LinkedBlockingDeque's delegates; its put and take waits are named by a stack walk", t);
      return null;
    }
  }

  /**
   * The class with each delegating method's copy of its delegate, or null if none could be made;
   * adds to {@code copied} the names of the delegates copied ({@code putLast}, ...).
   */
  static byte[] rewrite(byte[] bytes, Set<String> copied) {
    ClassReader reader = new ClassReader(bytes);
    // First pass: the delegates' bodies, with expanded frames, as the copies will need them.
    Set<String> wanted = new HashSet<>();
    DELEGATES.forEach((delegator, delegate) -> wanted.add(delegate + delegator.substring(delegator.indexOf('('))));
    Map<String, Code> delegates = new HashMap<>();
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            if (!wanted.contains(name + descriptor) || (access & Opcodes.ACC_STATIC) != 0) {
              return null;
            }
            Code code = new Code();
            delegates.put(name + descriptor, code);
            return code;
          }
        },
        ClassReader.EXPAND_FRAMES);
    ClassWriter writer = new ClassWriter(0);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            String delegate = DELEGATES.get(name + descriptor);
            if (mv == null || delegate == null || (access & Opcodes.ACC_STATIC) != 0) {
              return mv;
            }
            Code body = delegates.get(delegate + descriptor);
            return body == null ? mv : new Delegator(mv, descriptor, delegate, body, copied);
          }
        },
        ClassReader.EXPAND_FRAMES);
    return copied.isEmpty() ? null : writer.toByteArray();
  }

  /**
   * A delegating method: buffers its code, and at its end writes the guarded copy of the
   * delegate's body before it when the code is the expected delegation.
   */
  private static final class Delegator extends MethodVisitor {
    private final MethodVisitor target;
    private final String descriptor;
    private final String delegate;
    private final Code copy;
    private final Set<String> copied;
    private final Code own = new Code();

    Delegator(MethodVisitor mv, String descriptor, String delegate, Code copy, Set<String> copied) {
      super(Opcodes.ASM9, mv);
      this.target = mv;
      this.descriptor = descriptor;
      this.delegate = delegate;
      this.copy = copy;
      this.copied = copied;
    }

    @Override
    public void visitCode() {
      super.visitCode();
      mv = own; // the code, up to its maxima, is buffered
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      own.visitMaxs(maxStack, maxLocals);
      mv = target;
      if (!isDelegation() || !copy.canMove()) {
        own.replay(target, true);
        target.visitMaxs(own.maxStack, own.maxLocals);
        return;
      }
      Map<Label, Label> fresh = new HashMap<>(); // the copy's labels are its own
      copy.replayTryCatchBlocks(target, fresh);
      own.replayTryCatchBlocks(target, null);
      Label original = new Label();
      target.visitVarInsn(Opcodes.ALOAD, 0);
      target.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Object", "getClass", "()Ljava/lang/Class;", false);
      target.visitLdcInsn(Type.getObjectType(DEQUE));
      target.visitJumpInsn(Opcodes.IF_ACMPNE, original);
      copy.replayInstructions(target, fresh);
      target.visitLabel(original);
      Object[] entry = entryLocals();
      target.visitFrame(Opcodes.F_NEW, entry.length, entry, 0, new Object[0]);
      own.replayInstructions(target, null);
      own.replayLocalVariables(target);
      target.visitMaxs(
          Math.max(2, Math.max(own.maxStack, copy.maxStack)), Math.max(own.maxLocals, copy.maxLocals));
      copied.add(delegate);
    }

    /** The method's code is {@code return this.delegate(its arguments)}, and nothing else. */
    private boolean isDelegation() {
      if (!own.tryCatchBlocks.isEmpty() || own.hasFrames || own.otherwise) {
        return false;
      }
      List<int[]> expected = new ArrayList<>();
      expected.add(new int[] {Opcodes.ALOAD, 0});
      int slot = 1;
      for (Type t : Type.getArgumentTypes(descriptor)) {
        expected.add(new int[] {t.getOpcode(Opcodes.ILOAD), slot});
        slot += t.getSize();
      }
      if (own.loads.size() != expected.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (own.loads.get(i)[0] != expected.get(i)[0] || own.loads.get(i)[1] != expected.get(i)[1]) {
          return false;
        }
      }
      return own.calls.size() == 1
          && own.calls.get(0).equals(Opcodes.INVOKEVIRTUAL + " " + DEQUE + "." + delegate + descriptor)
          && own.returns == 1
          && own.lastOpcode == Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN);
    }

    /** The frame at the method's entry: the deque, then the arguments, in frame notation. */
    private Object[] entryLocals() {
      List<Object> locals = new ArrayList<>();
      locals.add(DEQUE);
      for (Type t : Type.getArgumentTypes(descriptor)) {
        switch (t.getSort()) {
          case Type.BOOLEAN:
          case Type.BYTE:
          case Type.CHAR:
          case Type.SHORT:
          case Type.INT:
            locals.add(Opcodes.INTEGER);
            break;
          case Type.LONG:
            locals.add(Opcodes.LONG);
            break;
          case Type.FLOAT:
            locals.add(Opcodes.FLOAT);
            break;
          case Type.DOUBLE:
            locals.add(Opcodes.DOUBLE);
            break;
          default:
            locals.add(t.getInternalName());
        }
      }
      return locals.toArray();
    }
  }

  /**
   * A method's code as it was read (expanded frames), to be written again, once, into another
   * method of the same class with the same parameters (a copy leaves out the local variables'
   * names). Also notes what {@link Delegator#isDelegation} and {@link #canMove} look at.
   */
  static final class Code extends MethodVisitor {
    private final List<BiConsumer<MethodVisitor, Map<Label, Label>>> instructions = new ArrayList<>();
    private final List<BiConsumer<MethodVisitor, Map<Label, Label>>> tryCatchBlocks = new ArrayList<>();
    private final List<BiConsumer<MethodVisitor, Map<Label, Label>>> localVariables = new ArrayList<>();
    int maxStack;
    int maxLocals;
    // What the delegating method's check reads
    final List<int[]> loads = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    int returns;
    int lastOpcode = -1;
    boolean hasFrames;
    boolean otherwise; // an instruction the delegation does not have
    // Labels visited before the first instruction, and labels some instruction jumps to
    private final Set<Label> atEntry = new HashSet<>();
    private final Set<Label> targets = new HashSet<>();
    private boolean started;
    private boolean frameAtEntry;

    Code() {
      super(Opcodes.ASM9);
    }

    /**
     * Whether the code can follow other code: it does not jump back to its first instruction, or
     * it has a frame there for the jump.
     */
    boolean canMove() {
      if (frameAtEntry) {
        return true;
      }
      for (Label l : atEntry) {
        if (targets.contains(l)) {
          return false;
        }
      }
      return true;
    }

    void replayTryCatchBlocks(MethodVisitor mv, Map<Label, Label> fresh) {
      for (BiConsumer<MethodVisitor, Map<Label, Label>> e : tryCatchBlocks) {
        e.accept(mv, fresh);
      }
    }

    void replayInstructions(MethodVisitor mv, Map<Label, Label> fresh) {
      for (BiConsumer<MethodVisitor, Map<Label, Label>> e : instructions) {
        e.accept(mv, fresh);
      }
    }

    void replay(MethodVisitor mv, boolean withLocalVariables) {
      replayTryCatchBlocks(mv, null);
      replayInstructions(mv, null);
      if (withLocalVariables) {
        replayLocalVariables(mv);
      }
    }

    void replayLocalVariables(MethodVisitor mv) {
      for (BiConsumer<MethodVisitor, Map<Label, Label>> e : localVariables) {
        e.accept(mv, null);
      }
    }

    private static Label map(Map<Label, Label> fresh, Label l) {
      return fresh == null ? l : fresh.computeIfAbsent(l, k -> new Label());
    }

    private static Label[] map(Map<Label, Label> fresh, Label[] labels) {
      Label[] mapped = new Label[labels.length];
      for (int i = 0; i < labels.length; i++) {
        mapped[i] = map(fresh, labels[i]);
      }
      return mapped;
    }

    private static Object[] mapFrame(Map<Label, Label> fresh, Object[] types, int count) {
      Object[] mapped = new Object[count];
      for (int i = 0; i < count; i++) {
        mapped[i] = types[i] instanceof Label ? map(fresh, (Label) types[i]) : types[i];
      }
      return mapped;
    }

    private void add(BiConsumer<MethodVisitor, Map<Label, Label>> e) {
      instructions.add(e);
    }

    private void instruction(int opcode) {
      started = true;
      lastOpcode = opcode;
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        returns++;
      }
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
      hasFrames = true;
      if (!started) {
        frameAtEntry = true;
      }
      add((mv, f) -> mv.visitFrame(type, numLocal, mapFrame(f, local, numLocal), numStack, mapFrame(f, stack, numStack)));
    }

    @Override
    public void visitInsn(int opcode) {
      instruction(opcode);
      if (opcode < Opcodes.IRETURN || opcode > Opcodes.RETURN) {
        otherwise = true;
      }
      add((mv, f) -> mv.visitInsn(opcode));
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      instruction(opcode);
      otherwise = true;
      add((mv, f) -> mv.visitIntInsn(opcode, operand));
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      instruction(opcode);
      if (opcode >= Opcodes.ILOAD && opcode <= Opcodes.ALOAD && calls.isEmpty()) {
        loads.add(new int[] {opcode, varIndex});
      } else {
        otherwise = true;
      }
      add((mv, f) -> mv.visitVarInsn(opcode, varIndex));
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      instruction(opcode);
      otherwise = true;
      add((mv, f) -> mv.visitTypeInsn(opcode, type));
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      instruction(opcode);
      otherwise = true;
      add((mv, f) -> mv.visitFieldInsn(opcode, owner, name, descriptor));
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String descriptor, boolean isInterface) {
      instruction(opcode);
      calls.add(opcode + " " + owner + "." + name + descriptor);
      add((mv, f) -> mv.visitMethodInsn(opcode, owner, name, descriptor, isInterface));
    }

    @Override
    public void visitInvokeDynamicInsn(
        String name, String descriptor, Handle bootstrapMethodHandle, Object... bootstrapMethodArguments) {
      instruction(Opcodes.INVOKEDYNAMIC);
      otherwise = true;
      add((mv, f) -> mv.visitInvokeDynamicInsn(name, descriptor, bootstrapMethodHandle, bootstrapMethodArguments));
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      instruction(opcode);
      otherwise = true;
      targets.add(label);
      add((mv, f) -> mv.visitJumpInsn(opcode, map(f, label)));
    }

    @Override
    public void visitLabel(Label label) {
      if (!started) {
        atEntry.add(label);
      }
      add((mv, f) -> mv.visitLabel(map(f, label)));
    }

    @Override
    public void visitLdcInsn(Object value) {
      instruction(Opcodes.LDC);
      otherwise = true;
      add((mv, f) -> mv.visitLdcInsn(value));
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      instruction(Opcodes.IINC);
      otherwise = true;
      add((mv, f) -> mv.visitIincInsn(varIndex, increment));
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      instruction(Opcodes.TABLESWITCH);
      otherwise = true;
      targets.add(dflt);
      targets.addAll(List.of(labels));
      add((mv, f) -> mv.visitTableSwitchInsn(min, max, map(f, dflt), map(f, labels)));
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      instruction(Opcodes.LOOKUPSWITCH);
      otherwise = true;
      targets.add(dflt);
      targets.addAll(List.of(labels));
      add((mv, f) -> mv.visitLookupSwitchInsn(map(f, dflt), keys, map(f, labels)));
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      instruction(Opcodes.MULTIANEWARRAY);
      otherwise = true;
      add((mv, f) -> mv.visitMultiANewArrayInsn(descriptor, numDimensions));
    }

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
      targets.add(handler);
      tryCatchBlocks.add((mv, f) -> mv.visitTryCatchBlock(map(f, start), map(f, end), map(f, handler), type));
    }

    @Override
    public void visitLineNumber(int line, Label start) {
      add((mv, f) -> mv.visitLineNumber(line, map(f, start)));
    }

    @Override
    public void visitLocalVariable(
        String name, String descriptor, String signature, Label start, Label end, int index) {
      // written for the method's own code only: in a copy they would name the delegate's locals
      localVariables.add((mv, f) -> mv.visitLocalVariable(name, descriptor, signature, start, end, index));
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      this.maxStack = maxStack;
      this.maxLocals = maxLocals;
    }
  }
}
