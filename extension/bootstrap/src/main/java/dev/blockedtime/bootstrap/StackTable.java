package dev.blockedtime.bootstrap;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which stack hashes this JVM has seen, so that only the first wait with a hash carries the full
 * stack text. Bounded: past {@link #MAX_HASHES} distinct hashes, new stacks are recorded without a
 * hash at all, so a program with ever new code paths cannot grow the table or the series count.
 */
final class StackTable {
  // Below the SDK's default of 2000 series per instrument, with room for the series without a hash.
  static final int MAX_HASHES = 1000;

  enum Seen {
    FIRST,
    AGAIN,
    OVERFLOW
  }

  private static final Set<String> HASHES = ConcurrentHashMap.newKeySet();

  private StackTable() {}

  static Seen see(String hash) {
    if (HASHES.contains(hash)) {
      return Seen.AGAIN;
    }
    if (HASHES.size() >= MAX_HASHES) {
      Log.once(
          "stacks.overflow",
          "more than " + MAX_HASHES + " distinct stack hashes; further waits are recorded without one",
          null);
      return Seen.OVERFLOW;
    }
    return HASHES.add(hash) ? Seen.FIRST : Seen.AGAIN;
  }
}
