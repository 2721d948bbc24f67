package dev.blockedtime.bootstrap;

import java.util.concurrent.ConcurrentHashMap;

/** Operation names: Java method names in snake_case ({@code tryTransfer} → {@code try_transfer}). */
final class Ops {
  static final String UNKNOWN = "unknown";

  // Keys are method names compiled into the advice: a small, fixed set.
  private static final ConcurrentHashMap<String, String> SNAKE = new ConcurrentHashMap<>();

  private Ops() {}

  static String snake(String method) {
    String cached = SNAKE.get(method);
    if (cached != null) {
      return cached;
    }
    StringBuilder b = new StringBuilder(method.length() + 4);
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          b.append('_');
        }
        b.append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    String snake = b.toString();
    if (SNAKE.size() < 256) {
      SNAKE.put(method, snake);
    }
    return snake;
  }

  /** Whether a queue operation takes elements out (its waits are for an element: state empty). */
  static boolean isConsumer(String snakeOp) {
    return snakeOp.startsWith("take") || snakeOp.startsWith("poll");
  }
}
