package dev.blockedtime.demo.common;

import java.time.Duration;
import java.util.Locale;

/**
 * A service's settings: each key ({@code http.port}) is read from the system property {@code
 * demo.http.port}, else the environment variable {@code DEMO_HTTP_PORT} (the docker-compose way),
 * else the default. A malformed value stops the service at start-up with a message naming the
 * key: a demo that silently runs with other settings than asked would only confuse.
 */
public final class Settings {
  private Settings() {}

  public static String string(String key, String defaultValue) {
    String v = System.getProperty("demo." + key);
    if (v == null || v.isBlank()) {
      v = System.getenv(envName(key));
    }
    return v == null || v.isBlank() ? defaultValue : v.trim();
  }

  public static int integer(String key, int defaultValue) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(describe(key) + ": not an integer: " + v);
    }
  }

  public static double decimal(String key, double defaultValue) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(describe(key) + ": not a number: " + v);
    }
  }

  public static Duration duration(String key, Duration defaultValue) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      return parseDuration(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe(key) + ": " + e.getMessage());
    }
  }

  /** {@code DEMO_HTTP_PORT} for {@code http.port}. */
  public static String envName(String key) {
    return "DEMO_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static String describe(String key) {
    return envName(key) + " (or -Ddemo." + key + ")";
  }

  /** {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 2m}; a bare number is seconds. */
  public static Duration parseDuration(String text) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      }
      double amount;
      long unitMillis;
      if (v.endsWith("s")) {
        amount = Double.parseDouble(v.substring(0, v.length() - 1).trim());
        unitMillis = 1000;
      } else if (v.endsWith("m")) {
        amount = Double.parseDouble(v.substring(0, v.length() - 1).trim());
        unitMillis = 60_000;
      } else if (v.endsWith("h")) {
        amount = Double.parseDouble(v.substring(0, v.length() - 1).trim());
        unitMillis = 3_600_000;
      } else {
        amount = Double.parseDouble(v);
        unitMillis = 1000;
      }
      if (amount < 0 || Double.isNaN(amount) || Double.isInfinite(amount)) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(Math.round(amount * unitMillis));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: " + text + " (forms: 250ms, 2s, 1.5s, 2m; a bare number is seconds)");
    }
  }
}
