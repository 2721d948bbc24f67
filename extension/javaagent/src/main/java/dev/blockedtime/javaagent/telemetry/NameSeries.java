package dev.blockedtime.javaagent.telemetry;

import dev.blockedtime.bootstrap.ResourceName;
import io.opentelemetry.api.common.Attributes;
import java.util.Arrays;
import java.util.Objects;

/**
 * The attribute sets of a queue's or lock's first few series, kept in its name's bridge slot and
 * found by identity: a recorded wait compares a few references instead of allocating a key and
 * reading a shared map (the map's lookup was 1.4–2.2% of {@code benchmarks/churn-profile.sh}'s
 * samples). The operation, state and outcome are constants and a stack hash is one string per
 * stack, so identity almost always finds them; a miss only costs the map's lookup.
 *
 * <p>Copy on write: a name's series settle after its first waits, and a full or raced slot only
 * sends lookups to the map.
 */
final class NameSeries {
  static final int MAX_SERIES = 8;
  private static final int FIELDS = 5; // operation, state, outcome, stack hash, attributes

  private final Object[] entries;

  private NameSeries(Object[] entries) {
    this.entries = entries;
  }

  /** The attributes of this series if its name's slot has them, else null. */
  static Attributes find(ResourceName name, String op, String state, String outcome, String hash) {
    Object slot = name.bridgeCache;
    if (!(slot instanceof NameSeries)) {
      return null;
    }
    Object[] e = ((NameSeries) slot).entries;
    for (int i = 0; i < e.length; i += FIELDS) {
      if (e[i] == op && e[i + 1] == state && e[i + 2] == outcome && e[i + 3] == hash) {
        return (Attributes) e[i + 4];
      }
    }
    return null;
  }

  /** Keeps the series in its name's slot unless the slot is full or has an equal series. */
  static void remember(
      ResourceName name, String op, String state, String outcome, String hash, Attributes attrs) {
    Object slot = name.bridgeCache;
    Object[] old;
    if (slot instanceof NameSeries) {
      old = ((NameSeries) slot).entries;
    } else if (slot == null) {
      old = new Object[0];
    } else {
      return; // the slot holds something else (an executor's attributes): leave it
    }
    if (old.length >= MAX_SERIES * FIELDS) {
      return;
    }
    for (int i = 0; i < old.length; i += FIELDS) {
      if (op.equals(old[i])
          && state.equals(old[i + 1])
          && Objects.equals(outcome, old[i + 2])
          && Objects.equals(hash, old[i + 3])) {
        return; // equal strings that are other instances: the map answers for them
      }
    }
    Object[] e = Arrays.copyOf(old, old.length + FIELDS);
    e[old.length] = op;
    e[old.length + 1] = state;
    e[old.length + 2] = outcome;
    e[old.length + 3] = hash;
    e[old.length + 4] = attrs;
    name.bridgeCache = new NameSeries(e);
  }

  /** How many series the name's slot holds. */
  static int size(ResourceName name) {
    Object slot = name.bridgeCache;
    return slot instanceof NameSeries ? ((NameSeries) slot).entries.length / FIELDS : 0;
  }
}
