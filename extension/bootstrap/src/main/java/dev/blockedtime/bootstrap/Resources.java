package dev.blockedtime.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resources the application built, and what each object its threads can wait on belongs to.
 *
 * <p>Resources are registered when constructed, because only then is the allocation site known:
 * {@link Sites} gives it, as a number the rewritten call site passes ({@link #siteId}). Objects
 * constructed before the agent started, by the JDK for itself, or by the agent are not
 * registered, and waits on them are not recorded.
 *
 * <p>What is registered per resource is one object (two for a {@code LinkedBlockingQueue}, whose
 * two locks can each be contended): the synchronizer of a lock, latch or semaphore; a queue's or
 * barrier's internal lock, or its transferer; a stamped lock, phaser or condition itself. The
 * resource itself is found through that part ({@link #lookup}), and the conditions a queue's
 * threads await are told apart inside the operation that awaits them ({@link #partOf}), where the
 * queue is known. See {@link Registry} for why nothing here refers to the objects.
 *
 * <p>Reading a queue's internal fields needs {@code java.util.concurrent} opened to this module;
 * the extension does that at start-up. If a JDK lays a queue out differently, that queue type logs
 * one line and is not recorded, and everything else goes on.
 */
public final class Resources {
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
        layout.part(sample, i);
      }
      lookup(sample);
      partOf(sample, sample); // not a part of itself: finds nothing, registers nothing
      waitingOn(sample, null);
    }
  }

  private Resources() {}

  static void configure(Settings settings) {
    aliases = settings.names;
    for (Site site : sites) {
      if (site != null) {
        site.name = null; // named again, with the new aliases, when next registered
      }
    }
  }

  // ---------------------------------------------------------------- sites

  /** One place in the application's code that builds resources of one type. */
  private static final class Site {
    final String type;
    final String where;
    final ResourceName.Kind kind;
    final int blocker; // for a lock type: what its waits park on (Blockers.code)
    volatile ResourceName name;
    private volatile Layout layout;
    // an Executors site: the site of the work queue of each covered type its pools hold
    private volatile int[] queueSites;
    int built; // racy count: only an eviction hint

    Site(String type, String where) {
      this.type = type;
      this.where = where;
      this.kind =
          isExecutor(type)
              ? ResourceName.Kind.EXECUTOR
              : isComposite(type) && !type.equals("CyclicBarrier") ? ResourceName.Kind.QUEUE : ResourceName.Kind.LOCK;
      this.blocker = Blockers.code(type);
    }

    Layout layout() {
      Layout l = layout;
      if (l == null) {
        l = Resources.layout(type);
        layout = l;
      }
      return l;
    }

    /** For an {@code Executors} site: the site of a work queue of {@code QUEUE_TYPES[index]}. */
    int queueSite(int index) {
      int[] q = queueSites;
      if (q == null) {
        q = new int[QUEUE_TYPES.length];
        java.util.Arrays.fill(q, -2);
        queueSites = q;
      }
      int id = q[index];
      if (id == -2) {
        id = siteId(QUEUE_TYPES[index], where);
        q[index] = id;
      }
      return id;
    }

    ResourceName name() {
      ResourceName n = name;
      if (n == null) {
        n = ResourceName.of(kind, type, aliases.resolve(where));
        name = n;
      }
      return n;
    }

    /** The mode of waits that do not name one: barriers' and phasers' parties wait shared. */
    String defaultMode() {
      switch (type) {
        case "CyclicBarrier":
        case "Phaser":
          return LockOps.SHARED_MODE;
        default:
          return kind == ResourceName.Kind.LOCK ? LockOps.EXCLUSIVE : null;
      }
    }
  }

  private static final int ROLE_BITS = 3;
  private static final ConcurrentHashMap<String, Integer> SITE_IDS = new ConcurrentHashMap<>();
  private static volatile Site[] sites = new Site[64];
  private static int siteCount;

  private static final Registry REGISTRY = new Registry(kind -> {
    Site[] all = sites;
    int id = kind >>> ROLE_BITS;
    return id < all.length && all[id] != null ? all[id].built : 0;
  });

  /**
   * The number of the site {@code where} ({@code class.method:line}) building resources of {@code
   * type}: assigned once, when the class that holds the site is rewritten, and passed by the call
   * it gets. -1 past the limit (that site's resources are not named).
   */
  public static int siteId(String type, String where) {
    String key = type + ' ' + where;
    Integer id = SITE_IDS.get(key);
    return id != null ? id : newSite(key, type, where);
  }

  private static synchronized int newSite(String key, String type, String where) {
    Integer id = SITE_IDS.get(key);
    if (id != null) {
      return id;
    }
    if (siteCount > (Registry.MAX_KIND >>> ROLE_BITS)) {
      Log.once("sites.limit", "more allocation sites than blocked-time can name; resources of the newest are not recorded", null);
      return -1;
    }
    Site[] all = sites;
    if (siteCount == all.length) {
      all = java.util.Arrays.copyOf(all, all.length * 2);
    }
    Site site = new Site(type, where);
    if (site.kind != ResourceName.Kind.EXECUTOR) { // an executor's type is its pool's, known when built
      site.name(); // named now, as its class is rewritten, not in its resources' first wait
    }
    all[siteCount] = site;
    sites = all;
    SITE_IDS.put(key, siteCount);
    return siteCount++;
  }

  private static Site site(int id) {
    Site[] all = sites;
    return id >= 0 && id < all.length ? all[id] : null;
  }

  // ---------------------------------------------------------------- lookups

  /**
   * What {@code o} is: a registered part (a synchronizer, transferer, stamped lock, phaser or
   * condition), or a queue or barrier found through its first part (role {@code OWNER}, or {@code
   * TRANSFER} for a {@code LinkedTransferQueue}). Null when it belongs to no registered resource.
   */
  static Registration lookup(Object o) {
    if (o == null) {
      return null;
    }
    Registration r = registration(REGISTRY.get(o));
    if (r != null) {
      return r;
    }
    long owner = ownerValue(o);
    return owner == 0 ? null : registration(owner, Registration.OWNER);
  }

  /** The registry's value for composite {@code resource}'s first part, or 0. */
  private static long ownerValue(Object resource) {
    Layout layout = LAYOUT_OF.get(resource.getClass());
    if (layout == null || layout.fields == null || layout.fields.length == 0) {
      return 0;
    }
    return REGISTRY.get(layout.part(resource, 0));
  }

  /**
   * What a thread is about to wait on: {@code blocker}, inside an operation on {@code resource}
   * when that is not null. A registered part, or a part of {@code resource} that is not
   * registered itself (a condition its threads await), which is registered now. Either way the
   * registration is kept from now on, however many resources its site builds. Null when the wait
   * is on nothing registered, or on a queue or barrier itself.
   */
  static Registration waitingOn(Object blocker, Object resource) {
    long v = REGISTRY.get(blocker);
    if (v != 0) {
      if (!Registry.hasWaited(v)) {
        REGISTRY.waited(blocker);
      }
      return registration(v);
    }
    return resource == null ? null : partOf(resource, blocker);
  }

  /**
   * What {@code blocker} is inside an operation on {@code resource} (a queue or barrier): a part
   * of it that is not registered itself, such as a condition its threads await; registered now,
   * as a part that waited. Null when it is not one of its parts.
   */
  static Registration partOf(Object resource, Object blocker) {
    if (resource == null || blocker == null) {
      return null;
    }
    Layout layout = LAYOUT_OF.get(resource.getClass());
    for (int i = 0; layout != null && layout.fields != null && i < layout.fields.length; i++) {
      if (layout.part(resource, i) == blocker) {
        Object first = layout.part(resource, 0);
        long owner = REGISTRY.get(first);
        if (owner == 0) {
          return null;
        }
        REGISTRY.waited(first);
        int kind = kind(Registry.kindOf(owner) >>> ROLE_BITS, layout.roles[i]);
        REGISTRY.put(blocker, Registry.hash(blocker), kind, Registry.tokenOf(owner));
        REGISTRY.waited(blocker);
        return registration(owner, layout.roles[i]);
      }
    }
    return null;
  }

  private static Registration registration(long value) {
    return registration(value, (byte) (Registry.kindOf(value) & ((1 << ROLE_BITS) - 1)));
  }

  /** The registration {@code value} stands for, in role {@code role}; null for 0. */
  private static Registration registration(long value, byte role) {
    if (value == 0) {
      return null;
    }
    Site s = site(Registry.kindOf(value) >>> ROLE_BITS);
    return s == null ? null : new Registration(s.name(), Registry.tokenOf(value), role, s.defaultMode());
  }

  // The covered j.u.c composite a class is or extends, per class.
  private static final ClassValue<String> COMPOSITE_TYPE =
      new ClassValue<String>() {
        @Override
        protected String computeValue(Class<?> type) {
          for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            String name = c.getName();
            if (name.startsWith("java.util.concurrent.")) {
              String simple = name.substring("java.util.concurrent.".length());
              if (isComposite(simple)) {
                return simple;
              }
            }
          }
          return null;
        }
      };

  private static String compositeType(Class<?> cls) {
    return COMPOSITE_TYPE.get(cls);
  }

  // The layout of the covered composite a class is or extends, or null, per class.
  private static final ClassValue<Layout> LAYOUT_OF =
      new ClassValue<Layout>() {
        @Override
        protected Layout computeValue(Class<?> type) {
          String composite = compositeType(type);
          return composite == null ? null : layout(composite);
        }
      };

  private static boolean isComposite(String type) {
    if (type.equals("CyclicBarrier")) {
      return true;
    }
    for (String q : QUEUE_TYPES) {
      if (q.equals(type)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- registration

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

  private static int kind(int siteId, byte role) {
    return (siteId << ROLE_BITS) | role;
  }

  /**
   * A queue or a {@code CyclicBarrier} of {@code type} (the j.u.c class it is or extends) built at
   * {@code where}: registers the internal locks its threads contend on (or its transferer).
   */
  static void registerComposite(Object resource, String type, String where) {
    registerComposite(resource, siteId(type, where));
  }

  /** The same, for the site numbered {@code siteId}. */
  static void registerComposite(Object resource, int siteId) {
    Site s = site(siteId);
    if (s == null) {
      return;
    }
    Layout layout = s.layout();
    if (layout.fields == null) {
      return;
    }
    s.built++;
    if (layout.fields.length == 0) { // LinkedTransferQueue: its threads park on the queue itself
      int h = Registry.hash(resource);
      REGISTRY.put(resource, h, kind(siteId, Registration.TRANSFER), h);
      return;
    }
    int token = 0;
    for (int i = 0; i < layout.eager; i++) {
      Object part = layout.part(resource, i);
      if (part != null) {
        int h = Registry.hash(part);
        if (i == 0) {
          token = h;
        }
        REGISTRY.put(part, h, kind(siteId, layout.roles[i]), token);
      }
    }
  }

  /** The constructor of an application subclass of queue or barrier {@code type} has returned. */
  static void registerCompositeSubclass(Object resource, String type) {
    if (lookup(resource) != null) {
      return; // a delegating constructor already registered it
    }
    String site = subclassSite(resource.getClass());
    if (site != null) {
      registerComposite(resource, type, site);
    }
  }

  /**
   * A lock, semaphore, latch, stamped lock, condition or phaser built at {@code where}; {@code
   * blocker} is the object its waits park on.
   */
  static void registerLock(Object blocker, String type, String where) {
    registerLock(blocker, siteId(type, where));
  }

  private static void registerLock(Object blocker, int siteId) {
    Site s = site(siteId);
    if (blocker == null || s == null) {
      return;
    }
    s.built++;
    int h = Registry.hash(blocker);
    byte role = s.type.equals("Phaser") ? Registration.PARTIES : Registration.SYNC;
    REGISTRY.put(blocker, h, kind(siteId, role), h);
  }

  /** {@code new T(...)} of a lock type at the site numbered {@code siteId}. */
  static void registerLockObject(Object lock, int siteId) {
    Site s = site(siteId);
    if (s != null) {
      registerLock(Blockers.of(lock, s.blocker), siteId);
    }
  }

  /** A JDK condition returned by {@code newCondition()} at the site numbered {@code siteId}. */
  static void registerCondition(Object condition, int siteId) {
    if (isJdkCondition(condition)) {
      registerLock(condition, siteId);
    }
  }

  /** The constructor of an application subclass of lock type {@code type} has returned. */
  static void registerLockSubclass(Object lock, Object blocker, String type) {
    if (blocker == null || REGISTRY.get(blocker) != 0) { // a delegating constructor registered it
      return;
    }
    String site = subclassSite(lock.getClass());
    if (site != null) {
      registerLock(blocker, type, site);
    }
  }

  private static boolean isJdkCondition(Object condition) {
    Class<?> cls = condition.getClass();
    return cls == AQS_CONDITION || cls == AQLS_CONDITION;
  }

  private static final Class<?> AQS_CONDITION =
      new java.util.concurrent.locks.ReentrantLock().newCondition().getClass();
  private static final Class<?> AQLS_CONDITION = conditionClass("java.util.concurrent.locks.AbstractQueuedLongSynchronizer$ConditionObject");

  private static Class<?> conditionClass(String name) {
    try {
      return Class.forName(name, false, null);
    } catch (Throwable e) {
      return Void.class;
    }
  }

  /** The type of an {@code Executors.new*} call's site. */
  static final String EXECUTORS_SITE = "Executor";

  /** Whether a site of {@code type} builds executors (an {@code Executors.new*} call's, or a pool type's). */
  private static boolean isExecutor(String type) {
    return type.equals(EXECUTORS_SITE) || type.endsWith("ThreadPoolExecutor") || type.equals("ForkJoinPool");
  }

  /**
   * A pool built at the site numbered {@code siteId} (a {@code new} of a covered pool type, or an
   * {@code Executors.new*} call): remembered as other resources are, by identity and without a
   * reference, until its first task gives it a record of its own ({@link ExecutorTasks}). A pool
   * built and never used costs what a lock does.
   */
  static void registerPool(Object pool, int siteId) {
    Site s = site(siteId);
    if (pool == null || s == null) {
      return;
    }
    s.built++;
    int h = Registry.hash(pool);
    REGISTRY.put(pool, h, kind(siteId, Registration.POOL), h);
  }

  /** The number of the site that built {@code pool}, or -1 when it was not registered. */
  static int poolSite(Object pool) {
    long v = REGISTRY.get(pool);
    if (v == 0) {
      return -1;
    }
    int kind = Registry.kindOf(v);
    return (kind & ((1 << ROLE_BITS) - 1)) == Registration.POOL ? kind >>> ROLE_BITS : -1;
  }

  /**
   * The site of an application subclass of a pool of {@code type} being constructed: where the
   * application built it, by a stack walk (the rare fallback, as for the other resources). -1 when
   * the JDK or the agent built it.
   */
  static int subclassPoolSite(Class<?> poolClass, String type) {
    String site = subclassSite(poolClass);
    return site == null ? -1 : siteId(type, site);
  }

  /**
   * The name of a pool of {@code type} built at the site numbered {@code siteId}: the alias, else
   * the site. Null when the site is unknown. The one place an executor's name comes from.
   */
  static ResourceName executorName(int siteId, String type) {
    Site s = site(siteId);
    return s == null ? null : ResourceName.of(ResourceName.Kind.EXECUTOR, type, aliases.resolve(s.where));
  }

  /**
   * What an {@code Executors.new*} call built at the site numbered {@code siteId}: the work queue
   * of the pool inside it is named after the application's line (the JDK built the queue, on the
   * application's behalf).
   */
  static void registerExecutor(Object executor, int siteId) {
    Site s = site(siteId);
    Object pool = Blockers.unwrapExecutor(executor);
    if (s != null && pool instanceof java.util.concurrent.ThreadPoolExecutor) {
      Object queue = ((java.util.concurrent.ThreadPoolExecutor) pool).getQueue();
      int index = QUEUE_INDEX.get(queue.getClass());
      if (index >= 0) {
        registerComposite(queue, s.queueSite(index)); // the JDK built it: the application's line names it
      }
    }
  }

  /**
   * At the first task of a timed pool built at the site numbered {@code siteId}: when an {@code
   * Executors.new*} call built it, its work queue is registered now ({@link #registerExecutor}).
   */
  static void registerWorkQueue(Object pool, int siteId) {
    Site s = site(siteId);
    if (s != null && s.type.equals(EXECUTORS_SITE)) {
      registerExecutor(pool, siteId);
    }
  }

  // The index in QUEUE_TYPES of a class that is exactly a covered queue type, else -1.
  private static final ClassValue<Integer> QUEUE_INDEX =
      new ClassValue<Integer>() {
        @Override
        protected Integer computeValue(Class<?> type) {
          String simple = coveredQueueType(type);
          for (int i = 0; simple != null && i < QUEUE_TYPES.length; i++) {
            if (QUEUE_TYPES[i].equals(simple)) {
              return i;
            }
          }
          return -1;
        }
      };

  /** The simple name of {@code cls} when it is exactly a covered queue type, else null. */
  private static String coveredQueueType(Class<?> queueClass) {
    String cls = queueClass.getName();
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
    final VarHandle[] fields;
    final byte[] roles;
    /**
     * How many of the fields (the first ones) are registered with the resource: its locks, which
     * threads contend on outside any blocking operation too, and a transferer. The rest are
     * conditions, awaited only inside the resource's own blocking operations.
     */
    final int eager;

    private Layout(VarHandle[] fields, byte[] roles) {
      this.fields = fields;
      this.roles = roles;
      int n = 0;
      while (roles != null && n < roles.length
          && (roles[n] == Registration.LOCK || roles[n] == Registration.TRANSFER)) {
        n++;
      }
      this.eager = n;
    }

    /** Part {@code i} of {@code resource}: for a lock, the synchronizer its waits park on. */
    Object part(Object resource, int i) {
      Object part = fields[i].get(resource);
      return part != null && roles[i] == Registration.LOCK ? syncOf(part) : part;
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
      return lock instanceof java.util.concurrent.locks.ReentrantLock
          ? Blockers.of(lock, Blockers.REENTRANT_LOCK)
          : null;
    }
  }
}
