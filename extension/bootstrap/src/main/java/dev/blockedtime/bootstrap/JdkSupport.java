package dev.blockedtime.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, once at start-up, that the JDK internals the advice relies on are where this extension
 * expects them (they are private, and a JDK may move them). Each missing piece logs one line
 * naming what is not recorded as a result; the advice for it then simply matches nothing, and
 * everything else runs on.
 */
public final class JdkSupport {
  private JdkSupport() {}

  /** One internal method the advice hooks: class, method name, parameter count. */
  static final class Hook {
    final String className;
    final String method;
    final int parameters;
    final String consequence;

    Hook(String className, String method, int parameters, String consequence) {
      this.className = className;
      this.method = method;
      this.parameters = parameters;
      this.consequence = consequence;
    }
  }

  static List<Hook> hooks(Settings settings) {
    List<Hook> hooks = new ArrayList<>();
    hooks.add(
        new Hook(
            "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "acquire",
            6,
            "lock waits, and contention on queues' internal locks, are not recorded"));
    if (settings.queues) {
      hooks.add(
          new Hook(
              "java.util.concurrent.locks.LockSupport",
              "setCurrentBlocker",
              1,
              "SynchronousQueue and LinkedTransferQueue waits are not recorded"));
    }
    if (settings.locks) {
      hooks.add(
          new Hook(
              "java.util.concurrent.locks.StampedLock",
              "acquireWrite",
              3,
              "StampedLock write-lock waits are not recorded"));
      hooks.add(
          new Hook(
              "java.util.concurrent.locks.StampedLock",
              "acquireRead",
              3,
              "StampedLock read-lock waits are not recorded"));
      hooks.add(
          new Hook(
              "java.util.concurrent.Phaser",
              "internalAwaitAdvance",
              2,
              "Phaser waits are not recorded"));
    }
    if (settings.futures) {
      hooks.add(
          new Hook(
              "java.util.concurrent.FutureTask",
              "awaitDone",
              2,
              "FutureTask.get waits are not recorded"));
      hooks.add(
          new Hook(
              "java.util.concurrent.CompletableFuture",
              "waitingGet",
              1,
              "untimed CompletableFuture.get and join waits are not recorded"));
      hooks.add(
          new Hook(
              "java.util.concurrent.CompletableFuture",
              "timedGet",
              1,
              "timed CompletableFuture.get waits are not recorded"));
    }
    return hooks;
  }

  /** Logs one line per missing internal; returns how many are missing. */
  public static int check(Settings settings) {
    int missing = check(hooks(settings));
    if (settings.queues) {
      for (String type : Resources.QUEUE_TYPES) {
        if (!Resources.layoutReadable(type)) {
          missing++; // Resources logged the line
        }
      }
    }
    return missing;
  }

  static int check(List<Hook> hooks) {
    int missing = 0;
    for (Hook hook : hooks) {
      if (!present(hook.className, hook.method, hook.parameters)) {
        missing++;
        Log.warn(
            "this JDK ("
                + System.getProperty("java.version")
                + ") has no "
                + hook.className
                + "."
                + hook.method
                + " with "
                + hook.parameters
                + " parameters: "
                + hook.consequence
                + "; everything else is recorded as usual");
      }
    }
    return missing;
  }

  /**
   * Whether {@code className} declares {@code method} with that many parameters. Reads the class
   * file rather than reflecting: reflection builds every declared method and so loads the types
   * of all their signatures, and for {@code CompletableFuture} that loads {@code MinimalStage}, a
   * subclass that overrides {@code join()} and {@code get()}. With it loaded the JIT can no longer
   * bind an application's {@code future.join()} to the one implementation, and a completed
   * future's {@code join} ran at 0.85 of its speed (see README, Measured overhead).
   */
  static boolean present(String className, String method, int parameters) {
    try (InputStream in = ClassLoader.getSystemResourceAsStream(className.replace('.', '/') + ".class")) {
      if (in != null) {
        return declares(in.readAllBytes(), method, parameters);
      }
    } catch (Throwable e) {
      // not readable as a class file: ask reflection
    }
    try {
      for (Method m : Class.forName(className).getDeclaredMethods()) {
        if (m.getName().equals(method) && m.getParameterCount() == parameters) {
          return true;
        }
      }
      return false;
    } catch (Throwable e) {
      return false;
    }
  }

  /** Whether the class file {@code bytes} declares {@code method} with that many parameters. */
  static boolean declares(byte[] bytes, String method, int parameters) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.skipBytes(4); // minor and major version
    int constants = in.readUnsignedShort();
    String[] utf8 = new String[constants];
    for (int i = 1; i < constants; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1: // Utf8
          utf8[i] = in.readUTF();
          break;
        case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
          in.skipBytes(2);
          break;
        case 15: // MethodHandle
          in.skipBytes(3);
          break;
        case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
          in.skipBytes(4); // Integer, Float, the refs, NameAndType, Dynamic, InvokeDynamic
          break;
        case 5: case 6: // Long, Double: two slots
          in.skipBytes(8);
          i++;
          break;
        default:
          throw new IOException("unknown constant pool tag " + tag);
      }
    }
    in.skipBytes(6); // access flags, this class, super class
    in.skipBytes(2 * in.readUnsignedShort()); // interfaces
    int fields = in.readUnsignedShort();
    for (int i = 0; i < fields; i++) {
      in.skipBytes(6);
      skipAttributes(in);
    }
    int methods = in.readUnsignedShort();
    for (int i = 0; i < methods; i++) {
      in.skipBytes(2); // access flags
      String name = utf8[in.readUnsignedShort()];
      String descriptor = utf8[in.readUnsignedShort()];
      skipAttributes(in);
      if (method.equals(name) && parameterCount(descriptor) == parameters) {
        return true;
      }
    }
    return false;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int i = 0; i < attributes; i++) {
      in.skipBytes(2);
      in.skipBytes(in.readInt());
    }
  }

  /** Parameters in a method descriptor such as {@code (I[JLjava/lang/String;)V}: 3. */
  static int parameterCount(String descriptor) {
    int count = 0;
    int i = 1; // after '('
    while (descriptor.charAt(i) != ')') {
      while (descriptor.charAt(i) == '[') {
        i++;
      }
      i = descriptor.charAt(i) == 'L' ? descriptor.indexOf(';', i) + 1 : i + 1;
      count++;
    }
    return count;
  }
}
