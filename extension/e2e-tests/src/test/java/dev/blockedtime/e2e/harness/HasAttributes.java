package dev.blockedtime.e2e.harness;

import java.util.Map;
import java.util.Objects;

/** Something received over OTLP that carries attributes; gives tests a lenient subset match. */
public interface HasAttributes {

  /** Attribute values are String, Long, Double, Boolean, List or Map (for OTLP kvlists). */
  Map<String, Object> attributes();

  default Object attribute(String key) {
    return attributes().get(key);
  }

  /**
   * True when every expected entry is present with an equal value. Numbers compare by value, so a
   * test may write {@code Map.of("thread.id", 1)} although OTLP integers arrive as {@code Long}.
   */
  default boolean hasAttributes(Map<String, ?> expected) {
    Map<String, Object> actual = attributes();
    for (Map.Entry<String, ?> e : expected.entrySet()) {
      if (!actual.containsKey(e.getKey()) || !sameValue(actual.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameValue(Object actual, Object expected) {
    if (actual instanceof Number a && expected instanceof Number b) {
      boolean integral = !(a instanceof Double || a instanceof Float || b instanceof Double || b instanceof Float);
      return integral ? a.longValue() == b.longValue() : a.doubleValue() == b.doubleValue();
    }
    return Objects.equals(actual, expected);
  }
}
