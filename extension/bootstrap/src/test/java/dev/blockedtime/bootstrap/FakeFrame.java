package dev.blockedtime.bootstrap;

import java.lang.StackWalker.StackFrame;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * A synthetic stack frame, so that the walks can be tested with any class names; built from a
 * class, it also has what a walk with class references gives (a negative index: a native method).
 */
final class FakeFrame implements StackFrame {
  private final String className;
  private final String methodName;
  private final int line;
  private final Class<?> declaringClass;
  private final String descriptor;
  private final int bci;

  FakeFrame(String className, String methodName, int line) {
    this(className, methodName, line, null, null, 0);
  }

  FakeFrame(Class<?> cls, String methodName, String descriptor, int bci, int line) {
    this(cls.getName(), methodName, line, cls, descriptor, bci);
  }

  private FakeFrame(
      String className, String methodName, int line, Class<?> declaringClass, String descriptor, int bci) {
    this.className = className;
    this.methodName = methodName;
    this.line = line;
    this.declaringClass = declaringClass;
    this.descriptor = descriptor;
    this.bci = bci;
  }

  /** The frame as the walks format it. */
  String line() {
    return className + "." + methodName + ":" + line;
  }

  /** "com.acme.App.main:10" → a frame; the method is the part after the last '.' before ':'. */
  static FakeFrame of(String classDotMethodColonLine) {
    int colon = classDotMethodColonLine.lastIndexOf(':');
    String qualified = classDotMethodColonLine.substring(0, colon);
    int dot = qualified.lastIndexOf('.');
    return new FakeFrame(
        qualified.substring(0, dot),
        qualified.substring(dot + 1),
        Integer.parseInt(classDotMethodColonLine.substring(colon + 1)));
  }

  static Stream<StackFrame> stack(String... frames) {
    return Arrays.stream(frames).map(FakeFrame::of);
  }

  @Override
  public String getClassName() {
    return className;
  }

  @Override
  public String getMethodName() {
    return methodName;
  }

  @Override
  public Class<?> getDeclaringClass() {
    if (declaringClass == null) {
      throw new UnsupportedOperationException(); // as a walker without class references
    }
    return declaringClass;
  }

  @Override
  public String getDescriptor() {
    return descriptor;
  }

  @Override
  public int getByteCodeIndex() {
    return bci;
  }

  @Override
  public String getFileName() {
    return null;
  }

  @Override
  public int getLineNumber() {
    return line;
  }

  @Override
  public boolean isNativeMethod() {
    return bci < 0;
  }

  @Override
  public StackTraceElement toStackTraceElement() {
    return new StackTraceElement(className, methodName, null, line);
  }
}
