package io.opentelemetry.javaagent.blockedtimetest;

import java.io.IOException;
import java.io.InputStream;

/**
 * A class loader whose class name starts with {@code io.opentelemetry.javaagent.}, like the agent's
 * own, that defines one class itself (child-first) and delegates everything else.
 */
public final class FakeAgentClassLoader extends ClassLoader {
  private final String only;

  public FakeAgentClassLoader(ClassLoader parent, String only) {
    super(parent);
    this.only = only;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.equals(only)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
          byte[] bytes = in.readAllBytes();
          c = defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
      return c;
    }
  }
}
