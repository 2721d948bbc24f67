package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Reads, from a lock the application built, the object its threads park on: the {@code sync} of a
 * {@code ReentrantLock}, read/write lock, semaphore or latch; the lock itself for a stamped lock or
 * phaser. Also unwraps what {@code Executors} returns to the pool inside.
 *
 * <p>Field handles are looked up once per class ({@code java.util.concurrent} is opened to the
 * core at start-up). A JDK that lays a class out differently logs one line, and that type is not
 * named.
 */
final class Blockers {
  private Blockers() {}

  /** What a lock type's waits park on: the lock itself, or the synchronizer in one of these. */
  static final int SELF = 0;
  static final int REENTRANT_LOCK = 1;
  static final int READ_WRITE_LOCK = 2;
  static final int SEMAPHORE = 3;
  static final int LATCH = 4;

  /** The code of j.u.c lock type {@code type}, for {@link #of(Object, int)}. */
  static int code(String type) {
    switch (type) {
      case "ReentrantLock":
        return REENTRANT_LOCK;
      case "ReentrantReadWriteLock":
        return READ_WRITE_LOCK;
      case "Semaphore":
        return SEMAPHORE;
      case "CountDownLatch":
        return LATCH;
      default: // StampedLock, Phaser: their waits park on the object itself
        return SELF;
    }
  }

  /**
   * The object the waits of {@code lock} park on, by its type's {@link #code} (no string compared
   * per construction); null if unknown.
   */
  static Object of(Object lock, int code) {
    switch (code) {
      case REENTRANT_LOCK:
        return get(ReentrantLockSync.HANDLE, lock);
      case READ_WRITE_LOCK:
        return get(ReadWriteLockSync.HANDLE, lock);
      case SEMAPHORE:
        return get(SemaphoreSync.HANDLE, lock);
      case LATCH:
        return get(LatchSync.HANDLE, lock);
      default:
        return lock;
    }
  }

  private static Object get(VarHandle sync, Object lock) {
    return sync == null ? null : sync.get(lock);
  }

  /**
   * The executor inside what an {@code Executors.new*} call returned: the call returns the pool
   * itself, or a wrapper that hides its configuration ({@code newSingleThreadExecutor}).
   */
  static Object unwrapExecutor(Object executor) {
    Object e = executor;
    for (int i = 0; i < 2 && e != null; i++) {
      VarHandle inner = Delegate.HANDLE;
      if (inner == null || !Delegate.TYPE.isInstance(e)) {
        return e;
      }
      e = inner.get(e);
    }
    return e;
  }

  // One holder per field: looked up on first use, constant once the class is initialized.
  private static final class ReentrantLockSync {
    static final VarHandle HANDLE = find("java.util.concurrent.locks.ReentrantLock", "sync");
  }

  private static final class ReadWriteLockSync {
    static final VarHandle HANDLE = find("java.util.concurrent.locks.ReentrantReadWriteLock", "sync");
  }

  private static final class SemaphoreSync {
    static final VarHandle HANDLE = find("java.util.concurrent.Semaphore", "sync");
  }

  private static final class LatchSync {
    static final VarHandle HANDLE = find("java.util.concurrent.CountDownLatch", "sync");
  }

  private static final class Delegate {
    static final String NAME = "java.util.concurrent.Executors$DelegatedExecutorService";
    static final Class<?> TYPE = load(NAME);
    static final VarHandle HANDLE = find(NAME, "e");
  }

  private static Class<?> load(String className) {
    try {
      return Class.forName(className, false, null);
    } catch (Throwable e) {
      return Void.class; // never an instance
    }
  }

  /** A private field's handle, or null (logged once) when this JDK lays the class out otherwise. */
  private static VarHandle find(String className, String field) {
    try {
      Class<?> cls = Class.forName(className, false, null);
      return MethodHandles.privateLookupIn(cls, MethodHandles.lookup())
          .findVarHandle(cls, field, cls.getDeclaredField(field).getType());
    } catch (Throwable e) {
      Log.once(
          "layout." + className,
          "cannot read " + className + "." + field + " on this JDK; resources of that type are not named",
          e);
      return null;
    }
  }
}
