package dev.blockedtime.demo.local;

import dev.blockedtime.demo.local.PrometheusApi.Alert;
import dev.blockedtime.demo.local.PrometheusApi.AlertRule;
import dev.blockedtime.demo.local.ServiceLog.StackRecord;
import dev.blockedtime.demo.local.Snapshot.InProgress;
import dev.blockedtime.demo.local.Snapshot.Row;
import dev.blockedtime.demo.local.Snapshot.StackRow;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Renders a {@link Snapshot} as lines of text: what waits, where in the code, what is stuck, what fires. */
final class TerminalView {
  /** A running service as the view names it. */
  record Service(String name, long pid, Path log, URI admin, URI metrics, ServiceLog output) {}

  /** What only the real pipeline gives: Jaeger's traces with waits, the records at the Collector. */
  record Pipeline(JaegerApi jaeger, List<JaegerApi.Trace> traces, CollectorLogRecords logs) {}

  /** Everything one rendering needs. */
  record State(
      Snapshot snapshot,
      Timeline timeline,
      List<Service> services,
      URI prometheus,
      Path rulesFile,
      Path outDir,
      Instant timelineStart,
      List<String> events,
      String footerNote,
      boolean summary,
      Pipeline pipeline) {}

  private static final int MAX_ROWS = 9;
  private static final int MAX_STACKS = 5;
  private final boolean ansi;

  TerminalView(boolean ansi) {
    this.ansi = ansi;
  }

  private String bold(String s) {
    return ansi ? "\033[1m" + s + "\033[0m" : s;
  }

  private String dim(String s) {
    return ansi ? "\033[2m" + s + "\033[0m" : s;
  }

  private String red(String s) {
    return ansi ? "\033[1;31m" + s + "\033[0m" : s;
  }

  private String yellow(String s) {
    return ansi ? "\033[33m" + s + "\033[0m" : s;
  }

  List<String> render(State st) {
    List<String> out = new ArrayList<>();
    header(out, st);
    Snapshot snap = st.snapshot();
    if (snap == null) {
      out.add("  waiting for Prometheus's first scrapes…");
      return out;
    }
    blockedTime(out, snap);
    codePaths(out, st);
    waitingNow(out, snap);
    alerts(out, st);
    traces(out, st);
    logRecords(out, st);
    next(out, st);
    if (!snap.errors.isEmpty()) {
      out.add("");
      out.add(yellow("Prometheus queries that failed: ") + snap.errors.stream().distinct().limit(3).collect(Collectors.joining("; ")));
    }
    return out;
  }

  private void header(List<String> out, State st) {
    Timeline tl = st.timeline();
    String t = "t+" + tl.elapsed().toSeconds() + "s";
    out.add(bold(st.summary() ? "blocked-time local demo: summary at " + t : "blocked-time local demo: where are the threads of " + names(st) + " waiting?"));
    Timeline.Step cur = tl.current();
    Timeline.Step next = tl.next();
    StringBuilder b = new StringBuilder("  " + t + " · timeline " + tl.name());
    if (cur != null) {
      b.append(" · now: ").append(bold(cur.title()));
    }
    if (next != null && !st.summary()) {
      b.append(" · next: ").append(next.title()).append(" in ").append(tl.until(next).toSeconds()).append(" s");
    }
    out.add(b.toString());
    if (cur != null) {
      out.add(dim("  " + cur.expect()));
    }
    Snapshot snap = st.snapshot();
    if (snap != null && !snap.intakeResponsesPerSecond.isEmpty()) {
      String traffic =
          snap.intakeResponsesPerSecond.entrySet().stream()
              .map(e -> String.format(Locale.ROOT, "%.1f/s %s", e.getValue(), e.getKey()))
              .collect(Collectors.joining(", "));
      out.add("  intake POST /orders: " + traffic + dim("   (http_server_request_duration_seconds_count, " + snap.window + ")"));
    }
  }

  private void blockedTime(List<String> out, Snapshot snap) {
    out.add("");
    out.add(bold("Blocked time by resource") + dim("   rate over " + snap.window + " of jvm_queue/jvm_lock/grpc_client_channel_wait *_duration_seconds"));
    List<Row> busy = snap.rows.stream().filter(r -> !r.idle() && (r.blockedPerSecond() >= 0.01 || r.totalBlocked() >= 1)).toList();
    List<Row> small = snap.rows.stream().filter(r -> !r.idle() && !busy.contains(r)).toList();
    List<Row> idle = snap.rows.stream().filter(Row::idle).toList();
    if (busy.isEmpty()) {
      out.add(dim("  no waits outside idle consumers yet"));
    } else {
      out.add(dim(String.format(Locale.ROOT, "  %-10s %-5s %-30s %-19s %-35s %9s %8s %9s %9s", "job", "kind", "resource", "type / method", "operation/state, channel→status", "blocked/s", "waits/s", "p99", "total")));
      for (Row r : busy.subList(0, Math.min(MAX_ROWS, busy.size()))) {
        out.add(
            String.format(
                Locale.ROOT,
                "  %-10s %-5s %-30s %-19s %-35s %9s %8.1f %9s %9s",
                r.job(),
                r.kind().word,
                clip(shortName(r.kind().resource(r.labels())), 30),
                clip(r.kind().type(r.labels()), 19),
                clip(r.kind().detail(r.labels()), 35),
                String.format(Locale.ROOT, "%.2f", r.blockedPerSecond()),
                r.waitsPerSecond(),
                dur(r.p99()),
                dur(r.totalBlocked())));
      }
      if (busy.size() > MAX_ROWS) {
        out.add(dim("  … " + (busy.size() - MAX_ROWS) + " more"));
      }
    }
    if (!small.isEmpty()) {
      out.add(dim(String.format(Locale.ROOT, "  + %d series with under 1 s blocked in all (JDK and library internals, mostly)", small.size())));
    }
    if (!idle.isEmpty()) {
      double s = idle.stream().mapToDouble(Row::blockedPerSecond).sum();
      out.add(dim(String.format(Locale.ROOT, "  + %d idle series (consumers on empty queues, awaits): %.1f blocked/s, by design", idle.size(), s)));
    }
  }

  private void codePaths(List<String> out, State st) {
    Snapshot snap = st.snapshot();
    List<StackRow> stacks = snap.stacks.stream().filter(s -> s.blockedPerSecond() >= 0.01 || s.totalBlocked() >= 1).toList();
    if (stacks.isEmpty()) {
      return;
    }
    out.add("");
    out.add(bold("Where in the code") + dim("   code_stacktrace_hash of the waits above, blocked/s over 1m; frames from the jvm.blocked.stack log record"));
    for (StackRow s : stacks.subList(0, Math.min(MAX_STACKS, stacks.size()))) {
      StackRecord rec = stackRecord(st, s.job(), s.hash());
      String where = rec == null ? dim("(code path not logged yet)") : "at " + firstFrames(rec.frames(), 2);
      out.add(
          String.format(
              Locale.ROOT,
              "  %s %-10s %-5s %-24s %7.2f/s %9s  %s",
              s.hash(),
              s.job(),
              s.kind().word,
              clip(shortName(s.resource()) + " " + s.detail(), 24),
              s.blockedPerSecond(),
              dur(s.totalBlocked()),
              where));
    }
  }

  private void waitingNow(List<String> out, Snapshot snap) {
    out.add("");
    out.add(bold("Waiting now") + dim("   jvm_*_blocked_threads / _oldest_seconds, jvm_executor_queued_tasks, grpc_client_channel_waiting_calls, jvm_deadlock_threads"));
    boolean any = false;
    for (Map.Entry<String, Double> d : snap.deadlockedThreads.entrySet()) {
      out.add(red(String.format(Locale.ROOT, "  %-10s DEADLOCK: %.0f threads in a cycle; they will never proceed", d.getKey(), d.getValue())));
      any = true;
    }
    List<InProgress> busy = snap.inProgress.stream().filter(w -> !w.idle()).toList();
    for (InProgress w : busy.subList(0, Math.min(8, busy.size()))) {
      any = true;
      if (w.kind() == Snapshot.Kind.GRPC) {
        String state =
            snap.channelStates.stream()
                .filter(c -> c.label("job").equals(w.job()) && c.label("grpc_target").equals(w.labels().get("grpc_target")))
                .map(c -> c.label("grpc_channel_state"))
                .collect(Collectors.joining(","));
        out.add(String.format(Locale.ROOT, "  %-10s grpc  %-46s %4.0f calls   waiting for the channel%s", w.job(), w.labels().get("grpc_target"), w.count(), state.isEmpty() ? "" : " (" + state + ")"));
        continue;
      }
      String line =
          String.format(
              Locale.ROOT,
              "  %-10s %-5s %-46s %4.0f %-7s oldest %s",
              w.job(),
              w.kind().word,
              clip(shortName(w.kind().resource(w.labels())) + " " + w.kind().detail(w.labels()), 46),
              w.count(),
              w.kind() == Snapshot.Kind.EXECUTOR ? (w.count() == 1 ? "task," : "tasks,") : w.count() == 1 ? "thread," : "threads,",
              dur(w.oldestSeconds()));
      out.add(w.oldestSeconds() > 30 ? red(line) : line);
    }
    long idle = snap.inProgress.stream().filter(InProgress::idle).count();
    double idleThreads = snap.inProgress.stream().filter(InProgress::idle).mapToDouble(InProgress::count).sum();
    if (!any) {
      out.add(dim("  nothing but idle consumers"));
    }
    if (idle > 0) {
      out.add(dim(String.format(Locale.ROOT, "  + %.0f idle threads on %d series (empty queues, awaits)", idleThreads, idle)));
    }
  }

  private void alerts(List<String> out, State st) {
    Snapshot snap = st.snapshot();
    out.add("");
    out.add(bold("Alerts") + dim("   the rules of " + st.rulesFile().getFileName() + ", as in production (" + snap.alertRules.size() + " rules; /api/v1/rules)"));
    List<AlertRule> firing = snap.rulesIn("firing");
    List<AlertRule> pending = snap.rulesIn("pending");
    for (AlertRule r : firing) {
      for (Alert a : r.alerts()) {
        if (a.state().equals("firing")) {
          out.add(red("  FIRING  ") + String.format(Locale.ROOT, "%-33s %s", r.name(), a.annotations().getOrDefault("summary", a.labels().toString())) + dim("  since " + since(st, a.activeAt())));
        }
      }
    }
    for (AlertRule r : pending) {
      for (Alert a : r.alerts()) {
        if (a.state().equals("pending")) {
          long waited = a.activeAt() == null ? 0 : Duration.between(a.activeAt(), Instant.now()).toSeconds();
          out.add(
              yellow("  pending ")
                  + String.format(Locale.ROOT, "%-33s %s", r.name(), a.annotations().getOrDefault("summary", a.labels().toString()))
                  + dim(String.format(Locale.ROOT, "  true for %s of the %s it needs", dur(waited), dur(r.forSeconds()))));
        }
      }
    }
    if (firing.isEmpty() && pending.isEmpty()) {
      out.add(dim("  none pending or firing"));
    }
    int inactive = snap.alertRules.size() - firing.size() - pending.size();
    if (inactive > 0 && (!firing.isEmpty() || !pending.isEmpty())) {
      out.add(dim("  " + inactive + " other rules inactive"));
    }
  }

  private void next(List<String> out, State st) {
    Snapshot snap = st.snapshot();
    out.add("");
    out.add(bold("Where to look next"));
    List<String> hints = new ArrayList<>();
    for (String job : st.pipeline() == null ? snap.deadlockedThreads.keySet() : List.<String>of()) {
      service(st, job)
          .ifPresent(
              s -> {
                long line = s.output().firstDeadlockLine();
                hints.add(
                    line > 0
                        ? "the deadlock report (jvm.deadlock log record): " + display(s.log()) + " line " + line + "   less +" + line + " " + display(s.log())
                        : "who holds what: jstack " + s.pid() + " | grep -A25 'Java-level deadlock'   (" + job + ")");
              });
    }
    boolean stuckLock = snap.inProgress.stream().anyMatch(w -> !w.idle() && w.kind() == Snapshot.Kind.LOCK && w.oldestSeconds() > 5);
    if (stuckLock && snap.deadlockedThreads.isEmpty()) {
      snap.inProgress.stream()
          .filter(w -> !w.idle() && w.kind() == Snapshot.Kind.LOCK && w.oldestSeconds() > 5)
          .findFirst()
          .flatMap(w -> service(st, w.job()))
          .ifPresent(s -> hints.add("a lock wait that does not end: who holds it? jstack " + s.pid() + "   (" + s.name() + ")"));
    }
    if (st.pipeline() != null && !snap.deadlockedThreads.isEmpty()) {
      hints.add("the deadlock report in full, as the Collector printed it: grep -A40 'EventName: jvm.deadlock' " + display(st.outDir().resolve("otelcol.log")));
    }
    snap.stacks.stream()
        .filter(s -> s.blockedPerSecond() > 0 && st.pipeline() != null)
        .findFirst()
        .ifPresent(s -> hints.add("the busiest code path, in full (its jvm.blocked.stack record): grep -m1 -B12 -A12 " + s.hash() + " " + display(st.outDir().resolve("otelcol.log"))));
    snap.stacks.stream()
        .filter(s -> s.blockedPerSecond() > 0 && st.pipeline() == null)
        .findFirst()
        .ifPresent(
            s ->
                service(st, s.job())
                    .ifPresent(svc -> hints.add("the busiest code path, in full (its jvm.blocked.stack record): grep -m1 -A10 " + s.hash() + " " + display(svc.log()))));
    if (snap.inProgress.stream().anyMatch(w -> w.kind() == Snapshot.Kind.GRPC) || snap.rows.stream().anyMatch(r -> r.kind() == Snapshot.Kind.GRPC && r.blockedPerSecond() > 0)) {
      service(st, "worker").ifPresent(s -> hints.add("is the worker serving? curl -s " + s.admin().resolve("/admin/status")));
    }
    hints.add("alerts and their rendered annotations: " + st.prometheus().resolve("/alerts"));
    hints.add("any query: " + st.prometheus().resolve("/graph?g0.expr=" + URLEncoder.encode("topk(5, rate(jvm_lock_blocked_duration_seconds_sum[1m]))", StandardCharsets.UTF_8)));
    service(st, "intake").ifPresent(s -> hints.add("switch a scenario yourself: curl -XPOST '" + s.admin().resolve("/admin/scenario?name=backlog&on=true") + "'  (GET /admin/scenario lists them)"));
    hints.add(st.pipeline() == null
        ? "each service's output and log records: " + display(st.outDir()) + "/{" + st.services().stream().map(Service::name).collect(Collectors.joining(",")) + "}.log"
        : "each process's output: " + display(st.outDir()) + "/{" + st.services().stream().map(Service::name).collect(Collectors.joining(",")) + ",otelcol,jaeger,prometheus}.log");
    if (st.footerNote() != null) {
      hints.add(st.footerNote());
    }
    hints.forEach(h -> out.add("  " + h));
    if (!st.events().isEmpty()) {
      out.add("");
      out.add(dim("  timeline: " + String.join(" · ", st.events().subList(Math.max(0, st.events().size() - 3), st.events().size()))));
    }
  }

  private static String names(State st) {
    List<String> order = List.of("intake", "worker", "loadgen"); // the request's path, not the start order
    List<String> n = st.services().stream().map(Service::name).sorted(java.util.Comparator.comparingInt(order::indexOf)).toList();
    return n.size() <= 1 ? String.join("", n) : String.join(", ", n.subList(0, n.size() - 1)) + " and " + n.get(n.size() - 1);
  }

  private static Optional<Service> service(State st, String job) {
    return st.services().stream().filter(s -> s.name().equals(job)).findFirst();
  }

  private static StackRecord stackRecord(State st, String job, String hash) {
    if (st.pipeline() != null) {
      return st.pipeline().logs().stack(hash);
    }
    return service(st, job).map(s -> s.output().stack(hash)).orElse(null);
  }

  private void traces(List<String> out, State st) {
    Pipeline p = st.pipeline();
    if (p == null) {
      return;
    }
    out.add("");
    out.add(bold("Traces that waited") + dim("   the newest in Jaeger of each kind of blocked-time span event (" + p.jaeger().base() + "/api/traces)"));
    if (p.traces().isEmpty()) {
      out.add(dim("  none yet (Jaeger is asked every 10 s)"));
      return;
    }
    for (JaegerApi.Trace t : p.traces().subList(0, Math.min(5, p.traces().size()))) {
      out.add(String.format(Locale.ROOT, "  %s %s %s", t.id(), clip(t.root(), 28), dur(t.seconds())));
      Map<String, List<JaegerApi.Wait>> byEvent = new LinkedHashMap<>();
      t.waits().forEach(w -> byEvent.computeIfAbsent(w.service() + " " + w.event() + " " + w.what(), k -> new ArrayList<>()).add(w));
      byEvent.entrySet().stream().limit(3).forEach(e -> {
        double total = e.getValue().stream().mapToDouble(JaegerApi.Wait::seconds).sum();
        String times = e.getValue().size() > 1 ? " ×" + e.getValue().size() : "";
        out.add(dim("      ") + clip(e.getKey(), 90) + " " + dur(total) + times);
      });
    }
    out.add(dim("  open one: curl -s " + p.jaeger().traceUri(p.traces().get(0).id()) + "   (JSON; the docker-compose stack's Jaeger has the UI)"));
  }

  private void logRecords(List<String> out, State st) {
    Pipeline p = st.pipeline();
    if (p == null) {
      return;
    }
    out.add("");
    out.add(bold("Log records at the Collector") + dim("   " + display(p.logs().file()) + " (OTLP/JSON, one batch a line)"));
    out.add("  " + p.logs().stackRecords() + " jvm.blocked.stack records (hash -> code path, shown under Where in the code)");
    List<CollectorLogRecords.Deadlock> deadlocks = p.logs().deadlocks();
    if (deadlocks.isEmpty()) {
      out.add(dim("  no jvm.deadlock record"));
    }
    for (CollectorLogRecords.Deadlock d : deadlocks.subList(Math.max(0, deadlocks.size() - 1), deadlocks.size())) {
      List<String> lines = List.of(d.body().split("\n"));
      out.add(red("  jvm.deadlock from " + d.service() + ": ") + lines.get(0) + (deadlocks.size() > 1 ? dim("  (" + deadlocks.size() + " records)") : ""));
      lines.stream().skip(1).limit(4).forEach(l -> out.add("    " + clip(l.strip(), 140)));
    }
  }

  /** The first frames of a stack, application frames first when the top is JDK plumbing. */
  static String firstFrames(List<String> frames, int n) {
    List<String> shown = new ArrayList<>();
    for (String f : frames) {
      if (shown.size() >= n) {
        break;
      }
      shown.add(shortFrame(f.strip()));
    }
    return String.join(" ← ", shown);
  }

  /** {@code dev.blockedtime.demo.worker.Inventory.reserve:42} → {@code worker.Inventory.reserve:42}. */
  static String shortFrame(String frame) {
    return frame.replace("dev.blockedtime.demo.", "");
  }

  private String since(State st, Instant at) {
    if (at == null || st.timelineStart() == null) {
      return "?";
    }
    return "t+" + Math.max(0, Duration.between(st.timelineStart(), at).toSeconds()) + "s";
  }

  static String display(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      Path rel = Path.of("").toAbsolutePath().relativize(abs);
      return rel.toString().length() < abs.toString().length() && !rel.startsWith("../..") ? rel.toString() : abs.toString();
    } catch (IllegalArgumentException e) {
      return abs.toString();
    }
  }

  /** Cuts the middle out of a long name, keeping its end (the line of an allocation site). */
  static String clip(String s, int width) {
    if (s.length() <= width) {
      return s;
    }
    int tail = width * 2 / 3;
    return s.substring(0, width - tail - 1) + "…" + s.substring(s.length() - tail);
  }

  /** Resource names without the demo's own package prefix: {@code worker.Reconciliation.start:23}. */
  static String shortName(String name) {
    return name.startsWith("dev.blockedtime.demo.") ? name.substring("dev.blockedtime.demo.".length()) : name;
  }

  /** A duration in seconds, in the unit a person reads best. */
  static String dur(double seconds) {
    if (Double.isNaN(seconds)) {
      return "-";
    }
    if (Double.isInfinite(seconds)) {
      return ">60 s";
    }
    if (seconds == 0) {
      return "0";
    }
    if (seconds < 1e-3) {
      return String.format(Locale.ROOT, "%.0f µs", seconds * 1e6);
    }
    if (seconds < 1) {
      return String.format(Locale.ROOT, "%.0f ms", seconds * 1e3);
    }
    if (seconds < 100) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (seconds < 3600) {
      return seconds % 60 == 0 ? String.format(Locale.ROOT, "%.0f min", seconds / 60) : String.format(Locale.ROOT, "%.0f s", seconds);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
