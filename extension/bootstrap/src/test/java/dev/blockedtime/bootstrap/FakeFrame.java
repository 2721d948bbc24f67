package dev.blockedtime.bootstrap;

import java.lang.StackWalker.StackFrame;
import java.util.Arrays;
import java.util.stream.Stream;

/** A synthetic stack frame, so that the walks can be tested with any class names. */
final class FakeFrame implements StackFrame {
  private final String className;
  private final String methodName;
  private final int line;

  FakeFrame(String className, String methodName, int line) {
    this.className = className;
    this.methodName = methodName;
    this.line = line;
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
    throw new UnsupportedOperationException();
  }

  @Override
  public int getByteCodeIndex() {
    return 0;
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
    return false;
  }

  @Override
  public StackTraceElement toStackTraceElement() {
    return new StackTraceElement(className, methodName, null, line);
  }
}
