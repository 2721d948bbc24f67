package dev.blockedtime.bootstrap;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The telemetry identity of a resource: its kind, its {@code java.util.concurrent} type and its
 * name (alias or allocation site). Many instances share one: a million short-lived queues built at
 * one line are one series. Interned, so identity comparison is equality.
 *
 * <p>The table is bounded: past {@link #MAX_NAMES} distinct names, new ones share the overflow name
 * {@value #OVERFLOW}, so a program that builds resources at ever new sites cannot grow it, nor the
 * number of series, without bound.
 */
public final class ResourceName {
  public enum Kind {
    QUEUE,
    LOCK,
    /** A thread pool whose tasks wait to start (see {@link ExecutorTasks}). */
    EXECUTOR
  }

  // Well below the SDK's default of 2000 series per instrument: a name has several series.
  public static final int MAX_NAMES = 500;
  public static final String OVERFLOW = "_other";

  private static final ConcurrentHashMap<String, ResourceName> NAMES = new ConcurrentHashMap<>();

  public final Kind kind;
  public final String type;
  public final String name;

  /** Slot for the telemetry bridge to cache what it derives from this name (attribute sets). */
  public volatile Object bridgeCache;

  private ResourceName(Kind kind, String type, String name) {
    this.kind = kind;
    this.type = type;
    this.name = name;
  }

  public static ResourceName of(Kind kind, String type, String name) {
    String key = kind.ordinal() + "|" + type + "|" + name;
    ResourceName existing = NAMES.get(key);
    if (existing != null) {
      return existing;
    }
    if (NAMES.size() >= MAX_NAMES) {
      Log.once(
          "names.overflow",
          "more than " + MAX_NAMES + " distinct resource names; further ones are recorded as " + OVERFLOW,
          null);
      return intern(kind.ordinal() + "|" + type + "|" + OVERFLOW, new ResourceName(kind, type, OVERFLOW));
    }
    return intern(key, new ResourceName(kind, type, name));
  }

  // No lambda here: linking one costs milliseconds, paid by the first resource an application builds.
  private static ResourceName intern(String key, ResourceName name) {
    ResourceName raced = NAMES.putIfAbsent(key, name);
    return raced != null ? raced : name;
  }

  static int count() {
    return NAMES.size();
  }

  @Override
  public String toString() {
    return kind + " " + type + " " + name;
  }
}
