package dev.blockedtime.bootstrap;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import jdk.internal.vm.annotation.DontInline;

/** Operation names: Java method names in snake_case ({@code tryTransfer} → {@code try_transfer}). */
final class Ops {
  static final String UNKNOWN = "unknown";
  private static final String DEQUE = "java.util.concurrent.LinkedBlockingDeque";
  private static final String[] DELEGATES = {"putLast", "takeFirst", "offerLast", "pollFirst"};
  private static final String[] DELEGATORS = {"put", "take", "offer", "poll"};

  // Bit i: DELEGATES[i] runs as a copy inside DELEGATORS[i] for the deque's own class. Written
  // once, by the transformer, before the deque's class is defined.
  private static volatile int copied;

  // Keys are method names compiled into the advice: a small, fixed set.
  private static final ConcurrentHashMap<String, String> SNAKE = new ConcurrentHashMap<>();

  private Ops() {}

  static String snake(String method) {
    // The queue methods the advice names, on every wait's exit: a switch on the method's cached
    // hash and a reference compare, with no map to read (a profile of issue #10's program put a
    // few percent of its CPU in this method, run interpreted while the one C2 thread was busy).
    switch (method) {
      case "put":
      case "take":
      case "offer":
      case "poll":
      case "transfer":
        return method;
      case "putFirst":
        return "put_first";
      case "putLast":
        return "put_last";
      case "takeFirst":
        return "take_first";
      case "takeLast":
        return "take_last";
      case "offerFirst":
        return "offer_first";
      case "offerLast":
        return "offer_last";
      case "pollFirst":
        return "poll_first";
      case "pollLast":
        return "poll_last";
      case "tryTransfer":
        return "try_transfer";
      default:
        break;
    }
    String cached = SNAKE.get(method);
    if (cached != null) {
      return cached;
    }
    String snake = toSnake(method);
    if (SNAKE.size() < 256) {
      SNAKE.put(method, snake);
    }
    return snake;
  }

  static String toSnake(String method) {
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
    return b.toString();
  }

  /**
   * The operation name of a wait in blocking method {@code method} of {@code queue}: the method's
   * own name, or the name of the deque method that delegated to it.
   */
  @DontInline // a stack walk for a deque's methods: compiled once, not into BlockedTime's wait path
  static String name(Object queue, String method) {
    String delegator = delegator(queue, method);
    return snake(delegator != null ? delegator : method);
  }

  /**
   * {@code LinkedBlockingDeque} implements {@code put}, {@code take} and the timed {@code offer}
   * and {@code poll} by calling {@code putLast}, {@code takeFirst}, {@code offerLast} and {@code
   * pollFirst}: when {@code method} is one of those and was called so, the delegating method's
   * name (the operation the application called), else null. Looks at the stack, so it runs only
   * for waits (a stack walk: microseconds).
   */
  static String delegator(Object queue, String method) {
    String delegator = delegatorOf(queue, method);
    return delegator != null && Frames.calledFrom(DEQUE, method, delegator) ? delegator : null;
  }

  /**
   * Whether the wait that blocking method {@code method} of {@code queue} closes at its exit
   * belongs to the deque method that delegated to it. {@code openOp} is the operation the wait
   * was opened under: once it is named (the operation's own wait for space or an element named
   * it, with one stack walk), the answer is in it, and the exit walks no stack of its own.
   */
  static boolean delegated(Object queue, String method, String openOp) {
    String delegator = delegatorOf(queue, method);
    if (delegator == null) {
      return false;
    }
    if (openOp != null && !openOp.equals(UNKNOWN)) {
      return openOp.equals(snake(delegator));
    }
    return Frames.calledFrom(DEQUE, method, delegator);
  }

  /**
   * The deque method that may delegate to {@code method} of {@code queue}, or null. For the
   * deque's own class none does once the delegating methods run their copies ({@link #copied}):
   * only an application subclass's can.
   */
  private static String delegatorOf(Object queue, String method) {
    if (!(queue instanceof LinkedBlockingDeque)) {
      return null;
    }
    int i = indexOf(method);
    if (i < 0 || ((copied & (1 << i)) != 0 && queue.getClass() == LinkedBlockingDeque.class)) {
      return null;
    }
    return DELEGATORS[i];
  }

  private static int indexOf(String method) {
    switch (method) {
      case "putLast":
        return 0;
      case "takeFirst":
        return 1;
      case "offerLast":
        return 2;
      case "pollFirst":
        return 3;
      default:
        return -1;
    }
  }

  /** See {@link BlockedTime#dequeDelegatesCopied}. */
  static void copied(String... delegates) {
    int bits = copied;
    for (String d : delegates) {
      int i = indexOf(d);
      if (i >= 0) {
        bits |= 1 << i;
      }
    }
    copied = bits;
  }

  /** For tests: the copies' bits, to restore. */
  static int copiedBits() {
    return copied;
  }

  static void copiedBits(int bits) {
    copied = bits;
  }

  /** The delegates copied, comma-separated (tests read it). */
  static String copiedDelegates() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < DELEGATES.length; i++) {
      if ((copied & (1 << i)) != 0) {
        b.append(b.length() == 0 ? "" : ",").append(DELEGATES[i]);
      }
    }
    return b.toString();
  }

  /** Whether a queue operation takes elements out (its waits are for an element: state empty). */
  static boolean isConsumer(String snakeOp) {
    return snakeOp.startsWith("take") || snakeOp.startsWith("poll");
  }
}
