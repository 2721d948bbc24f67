package dev.blockedtime.demo.quickstart;

import dev.blockedtime.demo.quickstart.PrometheusText.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of the agent's Prometheus endpoint, reduced to what the demo shows: per resource and
 * (operation, state, outcome) the finished waits (from the duration histogram, summed over stack
 * hashes), the waits in progress (from the two gauges), and per stack hash its totals.
 */
final class WaitSnapshot {
  /** The Prometheus names of one family of the contract ({@code jvm.queue.*}, {@code jvm.lock.*}). */
  enum Kind {
    QUEUE("queue", "jvm_queue_blocked", "jvm_queue_name", "jvm_queue_type", "jvm_queue_operation", "jvm_queue_state"),
    LOCK("lock", "jvm_lock_blocked", "jvm_lock_name", "jvm_lock_type", "jvm_lock_operation", "jvm_lock_mode");

    final String word;
    final String duration;
    final String threads;
    final String oldest;
    final String nameLabel;
    final String typeLabel;
    final String opLabel;
    final String stateLabel;

    Kind(String word, String prefix, String name, String type, String op, String state) {
      this.word = word;
      this.duration = prefix + "_duration_seconds";
      this.threads = prefix + "_threads";
      this.oldest = prefix + "_oldest_seconds";
      this.nameLabel = name;
      this.typeLabel = type;
      this.opLabel = op;
      this.stateLabel = state;
    }
  }

  static final String OUTCOME = "jvm_blocked_outcome";
  static final String HASH = "code_stacktrace_hash";

  record ResourceKey(Kind kind, String name, String type) {}

  record RowKey(ResourceKey resource, String operation, String state, String outcome) {}

  /** Finished waits of one series group, and the waits of that (operation, state) in progress. */
  static final class Row {
    final RowKey key;
    double count;
    double sum;
    final TreeMap<Double, Double> buckets = new TreeMap<>(); // le -> cumulative count
    double inProgress;
    double oldestSeconds;

    Row(RowKey key) {
      this.key = key;
    }

    /** Approximate quantile from the buckets, interpolated like PromQL's histogram_quantile. */
    double quantile(double q) {
      if (count <= 0 || buckets.isEmpty()) {
        return Double.NaN;
      }
      double rank = q * count;
      double lowerLe = 0;
      double lowerCount = 0;
      for (Map.Entry<Double, Double> b : buckets.entrySet()) {
        if (b.getValue() >= rank) {
          if (b.getKey().isInfinite()) {
            return Double.POSITIVE_INFINITY; // beyond the last finite boundary
          }
          double inBucket = b.getValue() - lowerCount;
          return inBucket <= 0 ? b.getKey() : lowerLe + (b.getKey() - lowerLe) * (rank - lowerCount) / inBucket;
        }
        lowerLe = b.getKey();
        lowerCount = b.getValue();
      }
      return Double.POSITIVE_INFINITY;
    }

    /** The highest finite bucket boundary ({@code Double.MAX_VALUE} when none). */
    double lastFiniteBoundary() {
      return buckets.keySet().stream().filter(d -> !d.isInfinite()).reduce((a, b) -> b).orElse(Double.MAX_VALUE);
    }
  }

  /** Totals per stack hash, with the series it was seen on most (by blocked time). */
  static final class StackTotals {
    final String hash;
    double count;
    double sum;
    RowKey mainRow;
    private double mainSum = -1;

    StackTotals(String hash) {
      this.hash = hash;
    }
  }

  final long scrapedAtNanos;
  final Map<RowKey, Row> rows = new LinkedHashMap<>();
  final Map<String, StackTotals> stacks = new LinkedHashMap<>();
  final List<String> metricNames = new ArrayList<>();

  private WaitSnapshot(long scrapedAtNanos) {
    this.scrapedAtNanos = scrapedAtNanos;
  }

  static WaitSnapshot of(List<Sample> samples, long scrapedAtNanos) {
    WaitSnapshot s = new WaitSnapshot(scrapedAtNanos);
    for (Sample sample : samples) {
      for (Kind kind : Kind.values()) {
        s.accept(kind, sample);
      }
    }
    return s;
  }

  private void accept(Kind kind, Sample x) {
    String n = x.name();
    if (!n.startsWith(kind.duration) && !n.equals(kind.threads) && !n.equals(kind.oldest)) {
      return;
    }
    if (!metricNames.contains(n)) {
      metricNames.add(n);
    }
    ResourceKey resource = new ResourceKey(kind, x.label(kind.nameLabel), x.label(kind.typeLabel));
    String op = x.label(kind.opLabel);
    String state = x.label(kind.stateLabel);
    if (n.equals(kind.threads) || n.equals(kind.oldest)) {
      // In-progress gauges carry no outcome: the wait has not ended. Shown on the row "…" until a
      // wait of that operation ends, then on its first row.
      Row row = rows.computeIfAbsent(new RowKey(resource, op, state, "…"), Row::new);
      if (n.equals(kind.threads)) {
        row.inProgress += x.value();
      } else {
        row.oldestSeconds = Math.max(row.oldestSeconds, x.value());
      }
      return;
    }
    RowKey key = new RowKey(resource, op, state, x.label(OUTCOME));
    Row row = rows.computeIfAbsent(key, Row::new);
    String hash = x.label(HASH);
    if (n.equals(kind.duration + "_bucket")) {
      row.buckets.merge(PrometheusText.number(x.label("le")), x.value(), Double::sum);
    } else if (n.equals(kind.duration + "_count")) {
      row.count += x.value();
      if (!hash.isEmpty()) {
        stacks.computeIfAbsent(hash, StackTotals::new).count += x.value();
      }
    } else if (n.equals(kind.duration + "_sum")) {
      row.sum += x.value();
      if (!hash.isEmpty()) {
        StackTotals t = stacks.computeIfAbsent(hash, StackTotals::new);
        t.sum += x.value();
        if (x.value() > t.mainSum) {
          t.mainSum = x.value();
          t.mainRow = key;
        }
      }
    }
  }

  /** Moves the in-progress numbers onto the matching finished-waits row, when there is one. */
  WaitSnapshot settle() {
    List<RowKey> pending = new ArrayList<>();
    for (RowKey k : rows.keySet()) {
      if (k.outcome().equals("…")) {
        pending.add(k);
      }
    }
    for (RowKey k : pending) {
      Row live = rows.get(k);
      Row target =
          rows.values().stream()
              .filter(r -> !r.key.outcome().equals("…"))
              .filter(r -> r.key.resource().equals(k.resource()) && r.key.operation().equals(k.operation()) && r.key.state().equals(k.state()))
              .min(Comparator.comparing((Row r) -> !r.key.outcome().equals("ok")).thenComparing(r -> r.key.outcome()))
              .orElse(null);
      if (target != null) {
        target.inProgress += live.inProgress;
        target.oldestSeconds = Math.max(target.oldestSeconds, live.oldestSeconds);
        rows.remove(k);
      }
    }
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Resources, most blocked time first, each with its rows in a stable order. */
  Map<ResourceKey, List<Row>> byResource() {
    Map<ResourceKey, List<Row>> grouped = new LinkedHashMap<>();
    rows.values().stream()
        .sorted(Comparator.comparing((Row r) -> r.key.operation()).thenComparing(r -> r.key.state()).thenComparing(r -> r.key.outcome()))
        .forEach(r -> grouped.computeIfAbsent(r.key.resource(), k -> new ArrayList<>()).add(r));
    List<Map.Entry<ResourceKey, List<Row>>> entries = new ArrayList<>(grouped.entrySet());
    entries.sort(
        Comparator.comparing(
                (Map.Entry<ResourceKey, List<Row>> e) -> -e.getValue().stream().mapToDouble(r -> r.sum + r.inProgress * r.oldestSeconds).sum())
            .thenComparing(e -> e.getKey().name()));
    Map<ResourceKey, List<Row>> sorted = new LinkedHashMap<>();
    entries.forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  List<StackTotals> stacksByBlockedTime() {
    List<StackTotals> list = new ArrayList<>(stacks.values());
    list.sort(Comparator.comparing((StackTotals t) -> -t.sum).thenComparing(t -> t.hash));
    return list;
  }

  double totalWaits() {
    return rows.values().stream().mapToDouble(r -> r.count).sum();
  }

  double totalBlockedSeconds() {
    return rows.values().stream().mapToDouble(r -> r.sum).sum();
  }

  double totalInProgress() {
    return rows.values().stream().mapToDouble(r -> r.inProgress).sum();
  }
}
