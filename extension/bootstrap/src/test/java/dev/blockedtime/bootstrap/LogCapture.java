package dev.blockedtime.bootstrap;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures what {@link Log} writes during one test and restores the sink that was installed before
 * (the default stderr sink, which {@link Log} offers no getter for, so it is read reflectively).
 *
 * <p>Use as {@code @RegisterExtension final LogCapture log = new LogCapture();}.
 */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private BiConsumer<String, Throwable> previous;

  @Override
  public void beforeEach(ExtensionContext context) {
    previous = currentSink();
    lines.clear();
    Log.setSink((message, error) -> lines.add(message));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Log.setSink(previous);
  }

  List<String> lines() {
    return lines;
  }

  void clear() {
    lines.clear();
  }

  @SuppressWarnings("unchecked")
  static BiConsumer<String, Throwable> currentSink() {
    try {
      Field f = Log.class.getDeclaredField("sink");
      f.setAccessible(true);
      return (BiConsumer<String, Throwable>) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("Log.sink is no longer a readable static field", e);
    }
  }
}
