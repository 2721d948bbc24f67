package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of resources: maps every object a thread can wait on (a queue, its internal locks'
 * synchronizers, its conditions, its transferer) to a {@link Registration}.
 *
 * <p>Resources are registered when constructed, because only then is the allocation site on the
 * stack. Objects constructed before the agent started, by the JDK for itself, or by the agent are
 * not registered, and waits on them are not recorded.
 *
 * <p>Reading a queue's internal fields needs {@code java.util.concurrent} opened to this module;
 * the extension does that at start-up. If a JDK lays a queue out differently, that queue type logs
 * one line and is not recorded, and everything else goes on.
 */
public final class Resources {
  private static final WeakIdentityTable<Registration> TABLE = new WeakIdentityTable<>();

  // Per queue type: the fields holding its internal locks and conditions, with their roles.
  private static final ConcurrentHashMap<String, Layout> LAYOUTS = new ConcurrentHashMap<>();

  private static volatile Settings.NameAliases aliases = Settings.NameAliases.EMPTY;

  /** The queue classes covered, by simple name: the one list the instrumentation also uses. */
  public static final String[] QUEUE_TYPES = {
    "ArrayBlockingQueue",
    "LinkedBlockingQueue",
    "LinkedBlockingDeque",
    "PriorityBlockingQueue",
    "DelayQueue",
    "SynchronousQueue",
    "LinkedTransferQueue",
  };

  /** Whether the internals of {@code type} can be read here (logs once when they cannot). */
  static boolean layoutReadable(String type) {
    return LAYOUTS.computeIfAbsent(type, Layout::of).fields != null;
  }

  private Resources() {}

  static void configure(Settings settings) {
    aliases = settings.names;
  }

  static Registration lookup(Object blocker) {
    return blocker == null ? null : TABLE.get(blocker);
  }

  static int size() {
    return TABLE.size();
  }

  /** Drops registrations of collected resources (called by the gauge collector, off the hot path). */
  public static void expungeStale() {
    TABLE.expungeStale();
  }

  /** The name for a resource built here, or null when it is not to be recorded. */
  private static String siteName() {
    return named(Frames.allocationSite());
  }

  private static String named(String site) {
    if (site == null || site == Frames.AGENT_OWNED || site == Frames.JDK_OWNED) {
      return null; // built by the JDK for itself, or by the agent
    }
    return aliases.resolve(site);
  }

  /**
   * The name of an executor of {@code type} being constructed here, or null when it is not to be
   * recorded (built by the agent, or by the JDK for itself, such as the virtual-thread scheduler).
   * The one place an executor's name comes from: the alias, else the allocation site.
   */
  static ResourceName executorName(String type) {
    String site = named(Frames.executorSite());
    return site == null ? null : ResourceName.of(ResourceName.Kind.EXECUTOR, type, site);
  }

  /**
   * Called when a queue or a {@code CyclicBarrier} of {@code type} (the j.u.c class it is or
   * extends) has been constructed: registers it and the internal locks and conditions its
   * threads park on.
   */
  static void registerComposite(Object resource, String type) {
    if (TABLE.get(resource) != null) {
      return; // a delegating constructor already registered it
    }
    Layout layout = LAYOUTS.computeIfAbsent(type, Layout::of);
    if (layout.fields == null) {
      return;
    }
    String site = siteName();
    if (site == null) {
      return;
    }
    boolean barrier = type.equals("CyclicBarrier");
    ResourceName.Kind kind = barrier ? ResourceName.Kind.LOCK : ResourceName.Kind.QUEUE;
    String mode = barrier ? LockOps.SHARED_MODE : null;
    ResourceName name = ResourceName.of(kind, type, site);
    Object token = new Object();
    byte selfRole = type.equals("LinkedTransferQueue") ? Registration.TRANSFER : Registration.OWNER;
    TABLE.put(resource, new Registration(name, token, selfRole, mode));
    for (int i = 0; i < layout.fields.length; i++) {
      Object part = layout.fields[i].get(resource);
      if (part == null) {
        continue;
      }
      if (layout.roles[i] == Registration.LOCK) {
        part = Layout.syncOf(part);
      }
      if (part != null) {
        TABLE.put(part, new Registration(name, token, layout.roles[i], mode));
      }
    }
  }

  /**
   * Called when a lock, semaphore, latch, stamped lock, condition or phaser has been constructed;
   * {@code blocker} is the object its waits park on.
   */
  static void registerLock(Object blocker, String type) {
    if (TABLE.get(blocker) != null) {
      return;
    }
    String site = named(Frames.lockSite(type.equals("Condition") ? "locks." : type));
    if (site == null) {
      return;
    }
    ResourceName name = ResourceName.of(ResourceName.Kind.LOCK, type, site);
    boolean phaser = type.equals("Phaser");
    TABLE.put(
        blocker,
        new Registration(
            name,
            new Object(),
            phaser ? Registration.PARTIES : Registration.SYNC,
            phaser ? LockOps.SHARED_MODE : LockOps.EXCLUSIVE));
  }

  /** Field layout of one queue type; {@code fields == null} when it cannot be read. */
  private static final class Layout {
    private static volatile VarHandle reentrantLockSync;

    final VarHandle[] fields;
    final byte[] roles;

    private Layout(VarHandle[] fields, byte[] roles) {
      this.fields = fields;
      this.roles = roles;
    }

    static Layout of(String type) {
      try {
        switch (type) {
          case "ArrayBlockingQueue":
          case "LinkedBlockingDeque":
            return layout(type, new String[] {"lock", "notEmpty", "notFull"}, roles3());
          case "LinkedBlockingQueue":
            return layout(
                type,
                new String[] {"takeLock", "putLock", "notEmpty", "notFull"},
                new byte[] {
                  Registration.LOCK, Registration.LOCK, Registration.NOT_EMPTY, Registration.NOT_FULL
                });
          case "PriorityBlockingQueue":
            return layout(
                type,
                new String[] {"lock", "notEmpty"},
                new byte[] {Registration.LOCK, Registration.NOT_EMPTY});
          case "DelayQueue":
            return layout(
                type,
                new String[] {"lock", "available"},
                new byte[] {Registration.LOCK, Registration.NOT_EMPTY});
          case "SynchronousQueue":
            return layout(type, new String[] {"transferer"}, new byte[] {Registration.TRANSFER});
          case "LinkedTransferQueue":
            return new Layout(new VarHandle[0], new byte[0]);
          case "CyclicBarrier":
            return layout(
                type,
                new String[] {"lock", "trip"},
                new byte[] {Registration.LOCK, Registration.PARTIES});
          default:
            return new Layout(null, null);
        }
      } catch (Throwable e) {
        Log.once(
            "layout." + type,
            "cannot read the internals of java.util.concurrent." + type
                + " on this JDK; waits on " + type + " are not recorded",
            e);
        return new Layout(null, null);
      }
    }

    private static byte[] roles3() {
      return new byte[] {Registration.LOCK, Registration.NOT_EMPTY, Registration.NOT_FULL};
    }

    private static Layout layout(String type, String[] names, byte[] roles) throws Exception {
      Class<?> cls = Class.forName("java.util.concurrent." + type);
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(cls, MethodHandles.lookup());
      VarHandle[] handles = new VarHandle[names.length];
      for (int i = 0; i < names.length; i++) {
        Class<?> fieldType = cls.getDeclaredField(names[i]).getType();
        handles[i] = lookup.findVarHandle(cls, names[i], fieldType);
      }
      return new Layout(handles, roles);
    }

    /** The synchronizer behind a ReentrantLock: the object its waits park on. */
    static Object syncOf(Object lock) {
      if (!(lock instanceof java.util.concurrent.locks.ReentrantLock)) {
        return null;
      }
      try {
        VarHandle h = reentrantLockSync;
        if (h == null) {
          Class<?> cls = java.util.concurrent.locks.ReentrantLock.class;
          h =
              MethodHandles.privateLookupIn(cls, MethodHandles.lookup())
                  .findVarHandle(cls, "sync", cls.getDeclaredField("sync").getType());
          reentrantLockSync = h;
        }
        return h.get(lock);
      } catch (Throwable e) {
        Log.once("layout.ReentrantLock", "cannot read ReentrantLock.sync on this JDK; lock contention inside queues is not recorded", e);
        return null;
      }
    }
  }
}
