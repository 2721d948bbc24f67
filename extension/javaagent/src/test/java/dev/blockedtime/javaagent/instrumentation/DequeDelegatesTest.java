package dev.blockedtime.javaagent.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * The rewrite of this JDK's own {@code LinkedBlockingDeque}: which delegates it copies, and that
 * the copy is a class the verifier accepts and that behaves as the deque does (loaded under
 * another name, since {@code java.*} cannot be defined here).
 */
class DequeDelegatesTest {
  private static final String DEQUE = DequeDelegates.DEQUE;
  private static final String COPY = "dev/blockedtime/test/LinkedBlockingDeque";
  private static final String SUBCLASS = "dev/blockedtime/test/CountingDeque";

  @Test
  void eachOfTheFourDelegatesIsCopiedIntoItsCaller() throws IOException {
    Set<String> copied = new HashSet<>();
    assertThat(DequeDelegates.rewrite(jdkClass(DEQUE), copied)).isNotNull();
    assertThat(copied).containsExactlyInAnyOrder("putLast", "takeFirst", "offerLast", "pollFirst");
  }

  @Test
  void theRewrittenDequePassesTheVerifierAndKeepsItsBehaviour() throws Exception {
    BlockingDeque<Object> deque = newDeque(rewrittenDeque());

    deque.put("a");
    assertThat(deque.offer("b", 10, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(deque.take()).isEqualTo("a");
    assertThat(deque.poll(10, TimeUnit.MILLISECONDS)).isNull();
    assertThat(deque.offer("c", 10, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(deque.poll(10, TimeUnit.MILLISECONDS)).isEqualTo("c");
    try {
      deque.put(null);
      throw new AssertionError("put(null) returned");
    } catch (NullPointerException expected) {
      // the copy's own check, at put's frame
      assertThat(expected.getStackTrace()[0].getMethodName()).isEqualTo("put");
    }

    // A put that waits for space waits in put itself: no putLast frame between it and the caller
    deque.put("x");
    Thread producer = new Thread(() -> {
      try {
        deque.put("y");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    producer.start();
    while (producer.getState() != Thread.State.WAITING) {
      Thread.sleep(1);
    }
    String[] methods = Arrays.stream(producer.getStackTrace())
        .filter(f -> f.getClassName().equals(COPY.replace('/', '.')))
        .map(StackTraceElement::getMethodName)
        .toArray(String[]::new);
    assertThat(methods).containsExactly("put");
    assertThat(deque.take()).isEqualTo("x");
    producer.join(10_000);
    assertThat(deque.take()).isEqualTo("y");
  }

  @Test
  void aSubclassThatOverridesTheDelegateStillHasItsOverrideCalled() throws Exception {
    Class<?> sub = rewrittenDeque().getClassLoader().loadClass(SUBCLASS.replace('/', '.'));
    @SuppressWarnings("unchecked")
    BlockingDeque<Object> deque = (BlockingDeque<Object>) sub.getConstructor(int.class).newInstance(2);
    deque.put("a");
    assertThat(sub.getField("calls").getInt(deque)).isEqualTo(1);
    assertThat(deque.take()).isEqualTo("a");
    // the deque's own class runs the copy, which calls no putLast of any class
    BlockingDeque<Object> own = newDeque(sub.getSuperclass());
    own.put("b");
    assertThat(own.peek()).isEqualTo("b");
  }

  @Test
  void aMethodThatDoesMoreThanDelegateIsLeftAsItIs() {
    Set<String> copied = new HashSet<>();
    assertThat(DequeDelegates.rewrite(fakeDeque(2), copied)).isNull();
    assertThat(copied).isEmpty();
    // the same class with a plain delegation is copied: the check above is the one that declined
    assertThat(DequeDelegates.rewrite(fakeDeque(1), copied)).isNotNull();
    assertThat(copied).containsExactly("putLast");
  }

  /** A class named like the deque whose put calls putLast {@code calls} times. */
  private static byte[] fakeDeque(int calls) {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, DEQUE, null, "java/lang/Object", null);
    MethodVisitor putLast = w.visitMethod(Opcodes.ACC_PUBLIC, "putLast", "(Ljava/lang/Object;)V", null, null);
    putLast.visitCode();
    putLast.visitInsn(Opcodes.RETURN);
    putLast.visitMaxs(0, 0);
    putLast.visitEnd();
    MethodVisitor put = w.visitMethod(Opcodes.ACC_PUBLIC, "put", "(Ljava/lang/Object;)V", null, null);
    put.visitCode();
    for (int i = 0; i < calls; i++) {
      put.visitVarInsn(Opcodes.ALOAD, 0);
      put.visitVarInsn(Opcodes.ALOAD, 1);
      put.visitMethodInsn(Opcodes.INVOKEVIRTUAL, DEQUE, "putLast", "(Ljava/lang/Object;)V", false);
    }
    put.visitInsn(Opcodes.RETURN);
    put.visitMaxs(0, 0);
    put.visitEnd();
    w.visitEnd();
    return w.toByteArray();
  }

  private static byte[] rewritten(byte[] deque) {
    return DequeDelegates.rewrite(deque, new HashSet<>());
  }

  @SuppressWarnings("unchecked")
  private static BlockingDeque<Object> newDeque(Class<?> type) throws Exception {
    Constructor<?> ctor = type.getConstructor(int.class);
    return (BlockingDeque<Object>) ctor.newInstance(1);
  }

  /** {@code class Sub extends (the copy) { public int calls; putLast(e) { calls++; super.putLast(e); } }} */
  private static byte[] subclass() {
    ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, SUBCLASS, null, COPY, null);
    w.visitField(Opcodes.ACC_PUBLIC, "calls", "I", null, null).visitEnd();
    MethodVisitor init = w.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "(I)V", null, null);
    init.visitCode();
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitVarInsn(Opcodes.ILOAD, 1);
    init.visitMethodInsn(Opcodes.INVOKESPECIAL, COPY, "<init>", "(I)V", false);
    init.visitInsn(Opcodes.RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
    MethodVisitor putLast = w.visitMethod(Opcodes.ACC_PUBLIC, "putLast", "(Ljava/lang/Object;)V", null, null);
    putLast.visitCode();
    putLast.visitVarInsn(Opcodes.ALOAD, 0);
    putLast.visitInsn(Opcodes.DUP);
    putLast.visitFieldInsn(Opcodes.GETFIELD, SUBCLASS, "calls", "I");
    putLast.visitInsn(Opcodes.ICONST_1);
    putLast.visitInsn(Opcodes.IADD);
    putLast.visitFieldInsn(Opcodes.PUTFIELD, SUBCLASS, "calls", "I");
    putLast.visitVarInsn(Opcodes.ALOAD, 0);
    putLast.visitVarInsn(Opcodes.ALOAD, 1);
    putLast.visitMethodInsn(Opcodes.INVOKESPECIAL, COPY, "putLast", "(Ljava/lang/Object;)V", false);
    putLast.visitInsn(Opcodes.RETURN);
    putLast.visitMaxs(0, 0);
    putLast.visitEnd();
    w.visitEnd();
    return w.toByteArray();
  }

  /**
   * The rewritten deque and its nested classes, renamed into a loader of their own, with a
   * subclass of it ({@link #subclass}).
   */
  private static Class<?> rewrittenDeque() throws Exception {
    Remapper rename = new Remapper() {
      @Override
      public String map(String internalName) {
        return internalName.startsWith(DEQUE) ? COPY + internalName.substring(DEQUE.length()) : internalName;
      }
    };
    Map<String, byte[]> classes = new HashMap<>();
    for (String nested : new String[] {"", "$Node", "$AbstractItr", "$Itr", "$DescendingItr", "$LBDSpliterator"}) {
      byte[] bytes;
      try {
        bytes = jdkClass(DEQUE + nested);
      } catch (IOException absent) {
        continue; // not in this JDK
      }
      if (nested.isEmpty()) {
        bytes = rewritten(bytes);
      }
      ClassWriter w = new ClassWriter(0);
      new ClassReader(bytes).accept(new ClassRemapper(w, rename), 0);
      classes.put((COPY + nested).replace('/', '.'), w.toByteArray());
    }
    classes.put(SUBCLASS.replace('/', '.'), subclass());
    ClassLoader loader = new ClassLoader(DequeDelegatesTest.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = classes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
    return Class.forName(COPY.replace('/', '.'), true, loader);
  }

  private static byte[] jdkClass(String internalName) throws IOException {
    try (InputStream in = Object.class.getResourceAsStream("/" + internalName + ".class")) {
      if (in == null) {
        throw new IOException("no " + internalName);
      }
      return in.readAllBytes();
    }
  }
}
