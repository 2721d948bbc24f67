package dev.blockedtime.bootstrap;

import java.util.Locale;

/** Parses durations in the agent's forms: {@code 500us}, {@code 2ms}, {@code 1s}; a bare number is ms. */
final class Durations {
  static final String ACCEPTED =
      "a non-negative number with unit ns, us, ms, s, m, h or d (e.g. 500us, 2ms, 1s)";

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
    // BigDecimal: "4.1ms" is exactly 4,100,000 ns, which a double product would round down
    java.math.BigDecimal amount = new java.math.BigDecimal(s.substring(0, i));
    String unit = s.substring(i).trim();
    long nanosPerUnit;
    switch (unit) {
      case "ns":
        nanosPerUnit = 1L;
        break;
      case "us":
      case "µs":
        nanosPerUnit = 1_000L;
        break;
      case "":
      case "ms":
        nanosPerUnit = 1_000_000L;
        break;
      case "s":
        nanosPerUnit = 1_000_000_000L;
        break;
      case "m":
        nanosPerUnit = 60_000_000_000L;
        break;
      case "h":
        nanosPerUnit = 3_600_000_000_000L;
        break;
      case "d":
        nanosPerUnit = 86_400_000_000_000L;
        break;
      default:
        throw new IllegalArgumentException("unknown unit " + unit);
    }
    java.math.BigDecimal nanos =
        amount.multiply(java.math.BigDecimal.valueOf(nanosPerUnit)).setScale(0, java.math.RoundingMode.HALF_UP);
    if (nanos.signum() < 0 || nanos.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("out of range");
    }
    return nanos.longValueExact();
  }
}
