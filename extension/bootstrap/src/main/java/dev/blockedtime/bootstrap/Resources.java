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
    return layout(type).fields != null;
  }

  private static Layout layout(String type) {
    return LAYOUTS.computeIfAbsent(type, Layout::of);
  }

  /**
   * Reads the parts of one throwaway instance of each composite type, as the first registration
   * would: links the field handles ahead of the application's first construction (see {@link
   * BlockedTime#warmUp}). Registers nothing.
   */
  static void warmUp() {
    Object[] samples = {
      new java.util.concurrent.ArrayBlockingQueue<>(1),
      new java.util.concurrent.LinkedBlockingQueue<>(),
      new java.util.concurrent.LinkedBlockingDeque<>(),
      new java.util.concurrent.PriorityBlockingQueue<>(),
      new java.util.concurrent.DelayQueue<>(),
      new java.util.concurrent.SynchronousQueue<>(),
      new java.util.concurrent.LinkedTransferQueue<>(),
      new java.util.concurrent.CyclicBarrier(1),
    };
    for (Object sample : samples) {
      Layout layout = layout(sample.getClass().getSimpleName());
      for (int i = 0; layout.fields != null && i < layout.fields.length; i++) {
        Object part = layout.fields[i].get(sample);
        if (layout.roles[i] == Registration.LOCK) {
          Layout.syncOf(part);
        }
      }
    }
  }

  private Resources() {}

  static void configure(Settings settings) {
    aliases = settings.names;
    SITE_NAMES.clear();
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

  // The names of call sites already seen: the site strings are constants of the application's
  // code, so one lookup (identity first) replaces building the name. Bounded: past the cap a site's
  // name is built each time, which is slower, not wrong.
  private static final int MAX_CACHED_SITES = 4096;
  private static final ConcurrentHashMap<String, ResourceName> SITE_NAMES = new ConcurrentHashMap<>();

  /** The name of a resource of {@code kind} and {@code type} built at {@code site}. */
  static ResourceName nameAt(ResourceName.Kind kind, String type, String site) {
    ResourceName cached = SITE_NAMES.get(site);
    if (cached != null && cached.kind == kind && cached.type.equals(type)) {
      return cached;
    }
    ResourceName name = ResourceName.of(kind, type, aliases.resolve(site));
    if (cached == null && SITE_NAMES.size() < MAX_CACHED_SITES) {
      SITE_NAMES.putIfAbsent(site, name); // a line that builds two types keeps the first
    }
    return name;
  }

  /**
   * The site of an application subclass of a covered type being constructed, found by walking
   * the stack (the rare fallback; see {@link Sites}), or null when it is not to be recorded.
   */
  private static String subclassSite(Class<?> resourceClass) {
    String site = Frames.allocationSite(resourceClass);
    if (site == null || site == Frames.AGENT_OWNED) {
      return null; // built by the JDK for itself, or by the agent
    }
    return site;
  }

  /**
   * A queue or a {@code CyclicBarrier} of {@code type} (the j.u.c class it is or extends) built at
   * {@code site}: registers it and the internal locks and conditions its threads park on.
   */
  static void registerComposite(Object resource, String type, String site) {
    Layout layout = layout(type);
    if (layout.fields == null) {
      return;
    }
    boolean barrier = type.equals("CyclicBarrier");
    ResourceName.Kind kind = barrier ? ResourceName.Kind.LOCK : ResourceName.Kind.QUEUE;
    String mode = barrier ? LockOps.SHARED_MODE : null;
    ResourceName name = nameAt(kind, type, site);
    Object token = new Object();
    byte selfRole = type.equals("LinkedTransferQueue") ? Registration.TRANSFER : Registration.OWNER;
    TABLE.put(resource, new Registration(name, token, selfRole, mode));
    for (int i = 0; i < layout.fields.length; i++) {
      Object part = layout.fields[i].get(resource);
      if (part != null && layout.roles[i] == Registration.LOCK) {
        part = Layout.syncOf(part);
      }
      if (part != null) {
        TABLE.put(part, new Registration(name, token, layout.roles[i], mode));
      }
    }
  }

  /** The constructor of an application subclass of queue or barrier {@code type} has returned. */
  static void registerCompositeSubclass(Object resource, String type) {
    if (TABLE.get(resource) != null) {
      return; // a delegating constructor already registered it
    }
    String site = subclassSite(resource.getClass());
    if (site != null) {
      registerComposite(resource, type, site);
    }
  }

  /**
   * A lock, semaphore, latch, stamped lock, condition or phaser built at {@code site}; {@code
   * blocker} is the object its waits park on.
   */
  static void registerLock(Object blocker, String type, String site) {
    if (blocker == null) {
      return;
    }
    ResourceName name = nameAt(ResourceName.Kind.LOCK, type, site);
    boolean phaser = type.equals("Phaser");
    TABLE.put(
        blocker,
        new Registration(
            name,
            new Object(),
            phaser ? Registration.PARTIES : Registration.SYNC,
            phaser ? LockOps.SHARED_MODE : LockOps.EXCLUSIVE));
  }

  /** {@code new T(...)} of lock type {@code type} at {@code site}. */
  static void registerLockObject(Object lock, String type, String site) {
    registerLock(Blockers.of(lock, type), type, site);
  }

  /** The constructor of an application subclass of lock type {@code type} has returned. */
  static void registerLockSubclass(Object lock, Object blocker, String type) {
    if (blocker == null || TABLE.get(blocker) != null) { // a delegating constructor registered it
      return;
    }
    String site = subclassSite(lock.getClass());
    if (site != null) {
      registerLock(blocker, type, site);
    }
  }

  static boolean isJdkCondition(Object condition) {
    String cls = condition.getClass().getName();
    return cls.equals("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject")
        || cls.equals("java.util.concurrent.locks.AbstractQueuedLongSynchronizer$ConditionObject");
  }

  /**
   * What an {@code Executors.new*} call built at {@code site}: the work queue of the pool inside
   * it is named after the application's line (the JDK built the queue, on the application's
   * behalf).
   */
  static void registerExecutor(Object executor, String site) {
    Object pool = Blockers.unwrapExecutor(executor);
    if (pool instanceof java.util.concurrent.ThreadPoolExecutor) {
      Object queue = ((java.util.concurrent.ThreadPoolExecutor) pool).getQueue();
      String type = coveredQueueType(queue);
      if (type != null && TABLE.get(queue) == null) {
        registerComposite(queue, type, site);
      }
    }
  }

  /** The simple name of {@code queue}'s class when it is exactly a covered queue type, else null. */
  private static String coveredQueueType(Object queue) {
    String cls = queue.getClass().getName();
    if (!cls.startsWith("java.util.concurrent.")) {
      return null;
    }
    String simple = cls.substring("java.util.concurrent.".length());
    for (String type : QUEUE_TYPES) {
      if (type.equals(simple)) {
        return type;
      }
    }
    return null;
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
