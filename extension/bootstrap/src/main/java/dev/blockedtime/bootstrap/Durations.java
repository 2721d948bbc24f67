package dev.blockedtime.bootstrap;

import java.util.Locale;

/** Parses durations in the agent's forms: {@code 500us}, {@code 2ms}, {@code 1s}; a bare number is ms. */
final class Durations {
  static final String ACCEPTED = "a non-negative number with unit ns, us, ms, s, m or h (e.g. 500us, 2ms, 1s)";

  private Durations() {}

  /** Returns nanoseconds, or throws IllegalArgumentException for anything malformed or negative. */
  static long parseNanos(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("no number");
    }
    double amount = Double.parseDouble(s.substring(0, i));
    String unit = s.substring(i).trim();
    double nanosPerUnit;
    switch (unit) {
      case "ns":
        nanosPerUnit = 1;
        break;
      case "us":
      case "µs":
        nanosPerUnit = 1e3;
        break;
      case "":
      case "ms":
        nanosPerUnit = 1e6;
        break;
      case "s":
        nanosPerUnit = 1e9;
        break;
      case "m":
        nanosPerUnit = 60e9;
        break;
      case "h":
        nanosPerUnit = 3600e9;
        break;
      default:
        throw new IllegalArgumentException("unknown unit " + unit);
    }
    double nanos = amount * nanosPerUnit;
    if (Double.isNaN(nanos) || nanos < 0 || nanos > Long.MAX_VALUE) {
      throw new IllegalArgumentException("out of range");
    }
    return (long) nanos;
  }
}
