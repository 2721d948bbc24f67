package dev.blockedtime.bootstrap;

/**
 * Names a wait on a lock, semaphore or latch from what its slow path knows: the synchronizer's
 * type and whether the acquire was shared, interruptible or timed.
 */
public final class LockOps {
  public static final int SHARED = 1;
  public static final int INTERRUPTIBLE = 2;
  public static final int TIMED = 4;
  /** StampedLock: the write lock (else the read lock). */
  public static final int WRITE = 8;

  public static final String EXCLUSIVE = "exclusive";
  public static final String SHARED_MODE = "shared";

  private LockOps() {}

  /** Flags from the arguments of {@code AbstractQueuedSynchronizer.acquire(Node, ...)}. */
  public static int flags(boolean shared, boolean interruptible, boolean timed) {
    return (shared ? SHARED : 0) | (interruptible ? INTERRUPTIBLE : 0) | (timed ? TIMED : 0);
  }

  static String mode(int flags) {
    return (flags & SHARED) != 0 ? SHARED_MODE : EXCLUSIVE;
  }

  static String operation(String type, int flags) {
    boolean timed = (flags & TIMED) != 0;
    boolean interruptible = (flags & INTERRUPTIBLE) != 0;
    switch (type) {
      case "ReentrantLock":
      case "ReentrantReadWriteLock":
        return timed ? "try_lock" : interruptible ? "lock_interruptibly" : "lock";
      case "Semaphore":
        return timed ? "try_acquire" : interruptible ? "acquire" : "acquire_uninterruptibly";
      case "CountDownLatch":
        return "await";
      case "Phaser":
        return "await_advance";
      case "StampedLock":
        String lock = (flags & WRITE) != 0 ? "write_lock" : "read_lock";
        return timed ? "try_" + lock : interruptible ? lock + "_interruptibly" : lock;
      default:
        return "acquire";
    }
  }
}
