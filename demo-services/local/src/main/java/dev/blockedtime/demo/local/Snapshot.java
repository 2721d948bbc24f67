package dev.blockedtime.demo.local;

import dev.blockedtime.demo.local.PrometheusApi.AlertRule;
import dev.blockedtime.demo.local.PrometheusApi.Series;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the stack looks like right now, read from Prometheus with the same PromQL a person would
 * type: blocked time per resource and per stack hash, the waits in progress, and the alerts. Every
 * query is over the contract's series (see prometheus/README.md); a series that does not exist
 * yet simply contributes nothing.
 */
final class Snapshot {
  /** Which contract metric a row comes from, and which labels name its resource and detail. */
  enum Kind {
    QUEUE("queue", "jvm_queue_blocked", List.of("jvm_queue_name", "jvm_queue_type", "jvm_queue_operation", "jvm_queue_state")),
    LOCK("lock", "jvm_lock_blocked", List.of("jvm_lock_name", "jvm_lock_type", "jvm_lock_operation", "jvm_lock_mode")),
    GRPC("grpc", "grpc_client_channel_wait", List.of("grpc_target", "grpc_method", "grpc_channel_state", "grpc_status")),
    /** Tasks queued in a thread pool: no thread waits for them, the request behind them does. */
    EXECUTOR("pool", "jvm_executor_queued", List.of("jvm_executor_name", "jvm_executor_type"));

    final String word;
    final String prefix;
    final List<String> labels;

    Kind(String word, String prefix, List<String> labels) {
      this.word = word;
      this.prefix = prefix;
      this.labels = labels;
    }

    String by() {
      return "job, " + String.join(", ", labels);
    }

    /** Waits that are idleness by design: consumers on an empty queue, awaits on a signal. */
    boolean idle(Map<String, String> l) {
      return (this == QUEUE && "empty".equals(l.get("jvm_queue_state"))) || (this == LOCK && "await".equals(l.get("jvm_lock_operation")));
    }

    String resource(Map<String, String> l) {
      return l.getOrDefault(labels.get(0), "");
    }

    /** The resource's type; for gRPC, the method called (the resource is the channel's target). */
    String type(Map<String, String> l) {
      if (this == GRPC) {
        String method = l.getOrDefault("grpc_method", "");
        return method.substring(method.indexOf('/') + 1);
      }
      return l.getOrDefault(labels.get(1), "");
    }

    /** The gauge that counts what waits now: threads for queues and locks, tasks for pools. */
    String countGauge() {
      return this == EXECUTOR ? prefix + "_tasks" : prefix + "_threads";
    }

    /** operation/state for queues, operation/mode for locks, channel state → how the wait ended for gRPC, "queued" for pools. */
    String detail(Map<String, String> l) {
      if (this == EXECUTOR) {
        return "queued";
      }
      if (this == GRPC) {
        return l.getOrDefault("grpc_channel_state", "?") + "→" + l.getOrDefault("grpc_status", "?");
      }
      return l.getOrDefault(labels.get(2), "") + "/" + l.getOrDefault(labels.get(3), "");
    }
  }

  /** Blocked time on one resource, operation and state, in one JVM. */
  record Row(Kind kind, Map<String, String> labels, double blockedPerSecond, double waitsPerSecond, double p99, double totalBlocked) {
    String job() {
      return labels.getOrDefault("job", "");
    }

    boolean idle() {
      return kind.idle(labels);
    }
  }

  /** Blocked time behind one stack hash. */
  record StackRow(Kind kind, String job, String hash, String resource, String detail, double blockedPerSecond, double totalBlocked) {}

  /** Waits still in progress on one resource (or calls waiting for one channel). */
  record InProgress(Kind kind, Map<String, String> labels, double count, double oldestSeconds) {
    String job() {
      return labels.getOrDefault("job", "");
    }

    boolean idle() {
      return kind.idle(labels);
    }
  }

  final String window;
  final List<Row> rows = new ArrayList<>();
  final List<StackRow> stacks = new ArrayList<>();
  final List<InProgress> inProgress = new ArrayList<>();
  final Map<String, Double> intakeResponsesPerSecond = new LinkedHashMap<>();
  final Map<String, Double> deadlockedThreads = new LinkedHashMap<>(); // job -> threads
  final List<Series> channelStates = new ArrayList<>(); // grpc_client_channel_state > 0
  final List<AlertRule> alertRules = new ArrayList<>();
  final List<String> errors = new ArrayList<>();

  private Snapshot(String window) {
    this.window = window;
  }

  /** Reads everything; a failing query is noted in {@link #errors} and the rest still shows. */
  static Snapshot read(PrometheusApi prometheus, String window) {
    Snapshot s = new Snapshot(window);
    for (Kind kind : Kind.values()) {
      s.readRows(prometheus, kind);
    }
    s.readStacks(prometheus, Kind.QUEUE, "jvm_queue_state!=\"empty\"", "jvm_queue_name", l -> l.get("jvm_queue_operation") + "/" + l.get("jvm_queue_state"));
    s.readStacks(prometheus, Kind.LOCK, "jvm_lock_operation!=\"await\"", "jvm_lock_name", l -> l.get("jvm_lock_operation"));
    s.readInProgress(prometheus);
    s.guard(
        () -> {
          for (Series x : prometheus.query("sum by (http_response_status_code) (rate(http_server_request_duration_seconds_count{job=\"intake\",http_route=\"/orders\"}[" + window + "]))")) {
            s.intakeResponsesPerSecond.put(x.label("http_response_status_code"), x.value());
          }
        });
    s.guard(() -> s.alertRules.addAll(prometheus.alertRules()));
    return s;
  }

  private void readRows(PrometheusApi prometheus, Kind kind) {
    guard(
        () -> {
          String by = kind.by();
          Map<Map<String, String>, double[]> byLabels = new LinkedHashMap<>();
          String[] queries = {
            "sum by (" + by + ") (rate(" + kind.prefix + "_duration_seconds_sum[" + window + "]))",
            "sum by (" + by + ") (rate(" + kind.prefix + "_duration_seconds_count[" + window + "]))",
            "histogram_quantile(0.99, sum by (" + by + ", le) (rate(" + kind.prefix + "_duration_seconds_bucket[" + window + "])))",
            "sum by (" + by + ") (" + kind.prefix + "_duration_seconds_sum)",
          };
          for (int q = 0; q < queries.length; q++) {
            for (Series x : prometheus.query(queries[q])) {
              double[] v = byLabels.computeIfAbsent(x.labels(), k -> new double[] {0, 0, Double.NaN, 0});
              v[q] = x.value();
            }
          }
          byLabels.forEach((labels, v) -> rows.add(new Row(kind, labels, v[0], v[1], v[2], v[3])));
        });
    rows.sort(Comparator.comparing(Row::idle).thenComparing(Comparator.comparingDouble(Row::blockedPerSecond).reversed()).thenComparing(Comparator.comparingDouble(Row::totalBlocked).reversed()));
  }

  private void readStacks(PrometheusApi prometheus, Kind kind, String notIdle, String resourceLabel, Function<Map<String, String>, String> detail) {
    guard(
        () -> {
          String by = "job, code_stacktrace_hash, " + String.join(", ", kind.labels);
          String selector = "{code_stacktrace_hash!=\"\"," + notIdle + "}";
          Map<Map<String, String>, double[]> byLabels = new LinkedHashMap<>();
          for (Series x : prometheus.query("sum by (" + by + ") (rate(" + kind.prefix + "_duration_seconds_sum" + selector + "[1m]))")) {
            byLabels.computeIfAbsent(x.labels(), k -> new double[2])[0] = x.value();
          }
          for (Series x : prometheus.query("sum by (" + by + ") (" + kind.prefix + "_duration_seconds_sum" + selector + ")")) {
            byLabels.computeIfAbsent(x.labels(), k -> new double[2])[1] = x.value();
          }
          byLabels.forEach(
              (l, v) -> stacks.add(new StackRow(kind, l.get("job"), l.get("code_stacktrace_hash"), l.getOrDefault(resourceLabel, ""), detail.apply(l), v[0], v[1])));
        });
    stacks.sort(Comparator.comparingDouble(StackRow::blockedPerSecond).reversed().thenComparing(Comparator.comparingDouble(StackRow::totalBlocked).reversed()));
  }

  private void readInProgress(PrometheusApi prometheus) {
    for (Kind kind : List.of(Kind.QUEUE, Kind.LOCK, Kind.EXECUTOR)) {
      guard(
          () -> {
            String base = kind.prefix;
            Map<Map<String, String>, double[]> byLabels = new LinkedHashMap<>();
            for (Series x : prometheus.query("sum by (" + kind.by() + ") (" + kind.countGauge() + ") > 0")) {
              byLabels.computeIfAbsent(x.labels(), k -> new double[] {0, 0})[0] = x.value();
            }
            for (Series x : prometheus.query("max by (" + kind.by() + ") (" + base + "_oldest_seconds) > 0")) {
              byLabels.computeIfAbsent(x.labels(), k -> new double[] {0, 0})[1] = x.value();
            }
            byLabels.forEach((l, v) -> inProgress.add(new InProgress(kind, l, v[0], v[1])));
          });
    }
    guard(
        () -> {
          for (Series x : prometheus.query("sum by (job, grpc_target) (grpc_client_channel_waiting_calls) > 0")) {
            inProgress.add(new InProgress(Kind.GRPC, x.labels(), x.value(), Double.NaN));
          }
        });
    inProgress.sort(Comparator.comparing(InProgress::idle).thenComparing(Comparator.comparingDouble(InProgress::oldestSeconds).reversed()));
    guard(
        () -> {
          for (Series x : prometheus.query("max by (job) (jvm_deadlock_threads) > 0")) {
            deadlockedThreads.put(x.label("job"), x.value());
          }
        });
    guard(() -> channelStates.addAll(prometheus.query("sum by (job, grpc_target, grpc_channel_state) (grpc_client_channel_state) > 0")));
  }

  private interface Read {
    void run() throws IOException;
  }

  private void guard(Read read) {
    try {
      read.run();
    } catch (IOException | RuntimeException e) {
      errors.add(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  List<AlertRule> rulesIn(String state) {
    return alertRules.stream().filter(r -> r.state().equals(state)).toList();
  }
}
