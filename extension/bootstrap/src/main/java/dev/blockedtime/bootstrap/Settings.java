package dev.blockedtime.bootstrap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The contract's configuration, parsed once at start-up. Immutable.
 *
 * <p>A malformed value never stops the application: it produces one log line naming the key, the
 * value and the accepted form, and that key keeps its default.
 */
public final class Settings {
  public static final String PREFIX = "otel.instrumentation.blocked-time.";

  static final long DEFAULT_SPAN_EVENT_THRESHOLD = 1_000_000L;
  static final long DEFAULT_STACK_THRESHOLD = 1_000_000L;
  static final int DEFAULT_STACK_DEPTH = 8;
  static final int MAX_STACK_DEPTH = 64;
  static final long DEFAULT_MONITOR_THRESHOLD = 10_000_000L;
  static final long DEFAULT_DEADLOCK_INTERVAL = 10_000_000_000L;
  static final long MIN_DEADLOCK_INTERVAL = 100_000_000L;

  public final boolean enabled;
  public final boolean queues;
  public final boolean locks;
  public final boolean monitors;
  public final boolean grpc;
  public final boolean deadlocks;
  /** Waits for futures and joins (see {@link FutureWaits}). */
  public final boolean futures;
  /** Virtual threads pinned to their carrier while blocked (JDK 21+, from JFR). */
  public final boolean virtualThreads;
  /** Tasks queued in executors (see {@link ExecutorTasks}). */
  public final boolean executors;
  public final long spanEventThresholdNanos;
  public final long stackThresholdNanos;
  public final int stackDepth;
  public final long monitorThresholdNanos;
  public final long deadlockIntervalNanos;
  public final NameAliases names;

  private Settings(Function<String, String> raw) {
    enabled = bool(raw, "enabled");
    queues = enabled && bool(raw, "queues.enabled");
    locks = enabled && bool(raw, "locks.enabled");
    monitors = enabled && bool(raw, "monitors.enabled");
    grpc = enabled && bool(raw, "grpc.enabled");
    deadlocks = enabled && bool(raw, "deadlocks.enabled");
    futures = enabled && bool(raw, "futures.enabled");
    virtualThreads = enabled && bool(raw, "virtual-threads.enabled");
    executors = enabled && bool(raw, "executors.enabled");
    spanEventThresholdNanos = duration(raw, "span-event-threshold", DEFAULT_SPAN_EVENT_THRESHOLD, 0);
    stackThresholdNanos = duration(raw, "stack-threshold", DEFAULT_STACK_THRESHOLD, 0);
    stackDepth = integer(raw, "stack-depth", DEFAULT_STACK_DEPTH, 1, MAX_STACK_DEPTH);
    monitorThresholdNanos = duration(raw, "monitor-threshold", DEFAULT_MONITOR_THRESHOLD, 0);
    deadlockIntervalNanos =
        duration(raw, "deadlock-detection-interval", DEFAULT_DEADLOCK_INTERVAL, MIN_DEADLOCK_INTERVAL);
    names = names(raw);
  }

  /**
   * Reads every key through {@code raw}, which is given full key names ({@code
   * otel.instrumentation.blocked-time.stack-depth}) and returns null for unset keys.
   */
  public static Settings from(Function<String, String> raw) {
    return new Settings(
        key -> {
          String value = raw.apply(key);
          return value == null || value.trim().isEmpty() ? null : value.trim();
        });
  }

  /** System properties first, then the matching environment variables. */
  public static Settings fromSystem() {
    return from(Settings::systemValue);
  }

  public static Settings defaults() {
    return from(key -> null);
  }

  static String systemValue(String key) {
    String value = System.getProperty(key);
    return value != null ? value : System.getenv(envName(key));
  }

  /** {@code otel.instrumentation.blocked-time.stack-depth} → {@code OTEL_INSTRUMENTATION_BLOCKED_TIME_STACK_DEPTH}. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static boolean bool(Function<String, String> raw, String suffix) {
    String value = raw.apply(PREFIX + suffix);
    if (value == null) {
      return true;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    invalid(suffix, value, "true or false", "true");
    return true;
  }

  private static long duration(Function<String, String> raw, String suffix, long dflt, long min) {
    String value = raw.apply(PREFIX + suffix);
    if (value == null) {
      return dflt;
    }
    try {
      long nanos = Durations.parseNanos(value);
      if (nanos >= min) {
        return nanos;
      }
    } catch (RuntimeException e) {
      // fall through to the log line
    }
    String accepted =
        min > 0 ? Durations.ACCEPTED + ", at least " + formatNanos(min) : Durations.ACCEPTED;
    invalid(suffix, value, accepted, formatNanos(dflt));
    return dflt;
  }

  private static int integer(Function<String, String> raw, String suffix, int dflt, int min, int max) {
    String value = raw.apply(PREFIX + suffix);
    if (value == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the log line
    }
    invalid(suffix, value, "a whole number from " + min + " to " + max, Integer.toString(dflt));
    return dflt;
  }

  private static NameAliases names(Function<String, String> raw) {
    String value = raw.apply(PREFIX + "names");
    if (value == null) {
      return NameAliases.EMPTY;
    }
    List<String> bad = new ArrayList<>();
    NameAliases aliases = NameAliases.parse(value, bad);
    if (!bad.isEmpty()) {
      invalid(
          "names",
          value,
          "comma-separated pattern=alias pairs (a trailing * in a pattern matches any suffix); ignored: "
              + String.join(", ", bad),
          "the valid pairs only");
    }
    return aliases;
  }

  private static void invalid(String suffix, String value, String accepted, String used) {
    Log.warn(
        "invalid value for "
            + PREFIX
            + suffix
            + ": '"
            + value
            + "'; expected "
            + accepted
            + "; using "
            + used);
  }

  static String formatNanos(long nanos) {
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }

  /** Aliases from the {@code names} setting: {@code pattern=alias} pairs, first match wins. */
  public static final class NameAliases {
    static final NameAliases EMPTY = new NameAliases(Collections.emptyList());

    private final List<String[]> rules;

    private NameAliases(List<String[]> rules) {
      this.rules = rules;
    }

    static NameAliases parse(String value, List<String> bad) {
      List<String[]> rules = new ArrayList<>();
      for (String pair : value.split(",")) {
        String p = pair.trim();
        if (p.isEmpty()) {
          continue;
        }
        int eq = p.lastIndexOf('=');
        String pattern = eq > 0 ? p.substring(0, eq).trim() : "";
        String alias = eq > 0 ? p.substring(eq + 1).trim() : "";
        if (pattern.isEmpty() || alias.isEmpty() || pattern.equals("*")) {
          bad.add(p);
        } else {
          rules.add(new String[] {pattern, alias});
        }
      }
      return new NameAliases(Collections.unmodifiableList(rules));
    }

    /** The alias for an allocation site, or the site itself. */
    public String resolve(String site) {
      for (String[] rule : rules) {
        String pattern = rule[0];
        boolean match =
            pattern.endsWith("*")
                ? site.startsWith(pattern.substring(0, pattern.length() - 1))
                : site.equals(pattern);
        if (match) {
          return rule[1];
        }
      }
      return site;
    }

    public boolean isEmpty() {
      return rules.isEmpty();
    }
  }
}
