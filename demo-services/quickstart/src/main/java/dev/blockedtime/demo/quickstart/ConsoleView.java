package dev.blockedtime.demo.quickstart;

import dev.blockedtime.demo.quickstart.ChildTelemetry.SpanEvent;
import dev.blockedtime.demo.quickstart.ChildTelemetry.StackRecord;
import dev.blockedtime.demo.quickstart.WaitSnapshot.ResourceKey;
import dev.blockedtime.demo.quickstart.WaitSnapshot.Row;
import dev.blockedtime.demo.quickstart.WaitSnapshot.RowKey;
import dev.blockedtime.demo.quickstart.WaitSnapshot.StackTotals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders what the demo knows as lines of text: the live view and the final summary. */
final class ConsoleView {
  /** Everything one rendering needs. */
  record State(
      WaitSnapshot snapshot,
      WaitSnapshot previous,
      ChildTelemetry telemetry,
      String header,
      String status,
      String metricsUrl,
      String appLog,
      String aliasSetting,
      String hint,
      boolean finalSummary,
      int compact) {
    /** The same state, drawn more tightly (0: full; higher: fewer code paths and frames). */
    State withCompact(int level) {
      return new State(snapshot, previous, telemetry, header, status, metricsUrl, appLog, aliasSetting, hint, finalSummary, level);
    }
  }

  private final boolean ansi;

  ConsoleView(boolean ansi) {
    this.ansi = ansi;
  }

  private String bold(String s) {
    return ansi ? "\033[1m" + s + "\033[0m" : s;
  }

  private String dim(String s) {
    return ansi ? "\033[2m" + s + "\033[0m" : s;
  }

  List<String> render(State st) {
    List<String> out = new ArrayList<>();
    out.add(bold(st.header()));
    out.add(st.status());
    out.add("");
    WaitSnapshot snap = st.snapshot();
    if (snap == null) {
      out.add("  starting the application under the agent (its start-up takes a few seconds)…");
    } else if (snap.isEmpty()) {
      out.add("  metrics endpoint is up; waiting for the first waits…");
      if (st.hint() != null) {
        out.add("  " + st.hint());
      }
    } else {
      table(out, st);
      stacks(out, st);
    }
    spanEvents(out, st);
    footer(out, st);
    return out;
  }

  /** Columns: operation, state, outcome (widths fitted to the content), then the numbers. */
  private static String rowFormat(WaitSnapshot snap) {
    int op = 9;
    int state = 5;
    int outcome = 7;
    for (RowKey k : snap.rows.keySet()) {
      op = Math.max(op, k.operation().length());
      state = Math.max(state, k.state().length());
      outcome = Math.max(outcome, k.outcome().equals("…") ? 10 : k.outcome().length());
    }
    return "    %-" + op + "s %-" + state + "s %-" + outcome + "s %7s %8s %10s %9s %9s  | %4s %9s";
  }

  private void table(List<String> out, State st) {
    WaitSnapshot snap = st.snapshot();
    out.add(
        bold("Where are my threads waiting, on what")
            + dim(String.format(Locale.ROOT, "   %,.0f waits, %.1f s blocked in total; %.0f waiting now", snap.totalWaits(), snap.totalBlockedSeconds(), snap.totalInProgress())
                + (st.finalSummary() ? " at the last scrape" : "")));
    double dt = st.previous() == null ? 0 : (snap.scrapedAtNanos - st.previous().scrapedAtNanos) / 1e9;
    String rowFormat = rowFormat(snap);
    String header = String.format(Locale.ROOT, rowFormat, "operation", "state", "outcome", "waits", st.finalSummary() ? "" : "waits/s", "blocked", "avg", "~p99", "now", "oldest");
    boolean first = true;
    for (Map.Entry<ResourceKey, List<Row>> e : snap.byResource().entrySet()) {
      ResourceKey r = e.getKey();
      double total = e.getValue().stream().mapToDouble(x -> x.sum).sum();
      double waits = e.getValue().stream().mapToDouble(x -> x.count).sum();
      String alias = isAlias(r.name(), st.aliasSetting()) ? dim("  (alias, from otel.instrumentation.blocked-time.names)") : "";
      String site = !isAlias(r.name(), st.aliasSetting()) && r.name().contains(":") ? dim("  (allocation site)") : "";
      if (st.compact() < 3) {
        out.add("");
      }
      out.add("  " + bold(r.name()) + alias + site);
      out.add(
          dim(String.format(Locale.ROOT, "    %s %s · %,.0f waits · %.2f s blocked", r.kind().word, r.type(), waits, total)));
      if (first) {
        out.add(dim(header));
        first = false;
      }
      for (Row row : e.getValue()) {
        RowKey k = row.key;
        String rate = "";
        if (!st.finalSummary() && st.previous() != null && dt > 0) {
          Row prev = st.previous().rows.get(k);
          double delta = row.count - (prev == null ? 0 : prev.count);
          rate = String.format(Locale.ROOT, "%.1f", Math.max(0, delta) / dt);
        }
        double p99 = row.quantile(0.99);
        String p99s =
            Double.isNaN(p99) ? "-" : Double.isInfinite(p99) ? ">" + dur(row.lastFiniteBoundary()) : dur(p99);
        out.add(
            String.format(
                Locale.ROOT,
                rowFormat,
                k.operation(),
                k.state(),
                k.outcome().equals("…") ? "(none yet)" : k.outcome(),
                String.format(Locale.ROOT, "%,.0f", row.count),
                rate,
                String.format(Locale.ROOT, "%.3f s", row.sum),
                row.count > 0 ? dur(row.sum / row.count) : "-",
                p99s,
                row.inProgress > 0 ? String.format(Locale.ROOT, "%.0f", row.inProgress) : "·",
                row.inProgress > 0 ? dur(row.oldestSeconds) : "·"));
      }
    }
    if (st.compact() < 3) {
      out.add("");
      out.add(dim("  waits: finished waits; blocked: their total time; ~p99 from histogram buckets; now/oldest: waits still in progress."));
    }
  }

  private static boolean isAlias(String name, String aliasSetting) {
    if (aliasSetting == null || aliasSetting.isEmpty()) {
      return false;
    }
    for (String pair : aliasSetting.split(",")) {
      int eq = pair.lastIndexOf('=');
      if (eq > 0 && pair.substring(eq + 1).trim().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private void stacks(List<String> out, State st) {
    List<StackTotals> hashes = st.snapshot().stacksByBlockedTime();
    if (hashes.isEmpty()) {
      return;
    }
    Map<String, StackRecord> records = st.telemetry().stacks();
    int maxHashes = st.finalSummary() ? Integer.MAX_VALUE : new int[] {6, 4, 3, 2}[Math.min(3, st.compact())];
    int maxFrames = st.finalSummary() ? 5 : new int[] {3, 2, 1, 1}[Math.min(3, st.compact())];
    out.add("");
    out.add(bold("Code paths") + dim("   code.stacktrace.hash → the waiting code, from the jvm.blocked.stack log records"));
    int shown = 0;
    for (StackTotals t : hashes) {
      if (shown++ >= maxHashes) {
        out.add(dim(String.format(Locale.ROOT, "    … and %d more", hashes.size() - maxHashes)));
        break;
      }
      RowKey k = t.mainRow;
      String where = k == null ? "" : k.operation() + "/" + k.state() + " on " + k.resource().name();
      out.add(String.format(Locale.ROOT, "  %s %,7.0f waits %9.3f s   %s", bold(t.hash), t.count, t.sum, where));
      StackRecord rec = records.get(t.hash);
      if (rec == null) {
        out.add(dim("      (its code path is not logged yet)"));
        continue;
      }
      List<String> frames = rec.frames();
      for (int i = 0; i < Math.min(maxFrames, frames.size()); i++) {
        out.add("      at " + frames.get(i));
      }
      if (frames.size() > maxFrames && st.compact() == 0) {
        out.add(dim("      … " + (frames.size() - maxFrames) + " more frame(s)"));
      }
    }
  }

  private void spanEvents(List<String> out, State st) {
    ChildTelemetry t = st.telemetry();
    out.add("");
    long events = t.waitEvents();
    if (t.spans() == 0) {
      out.add(bold("Span events") + dim("   no spans exported yet (the span exporter flushes every second)"));
      return;
    }
    String byName =
        t.eventsByName().entrySet().stream()
            .map(e -> String.format(Locale.ROOT, "%,d %s", e.getValue(), e.getKey()))
            .collect(Collectors.joining(" + "));
    String bySpan =
        t.eventsBySpanName().entrySet().stream()
            .map(e -> String.format(Locale.ROOT, "'%s' %,d", e.getKey(), e.getValue()))
            .collect(Collectors.joining(", "));
    out.add(
        bold("Span events")
            + (events == 0
                ? String.format(Locale.ROOT, "   none yet on the %,d spans exported so far", t.spans())
                : String.format(
                    Locale.ROOT, "   %s events on %,d of %,d spans (%s)", byName, t.spansWithWaitEvents(), t.spans(), bySpan)));
    SpanEvent e = t.latestEvent();
    if (e != null) {
      out.add(
          dim(
              String.format(
                  Locale.ROOT,
                  "    latest: span '%s' ← %s waited %s in %s on %s (%s, %s)",
                  e.spanName(),
                  e.thread(),
                  Double.isNaN(e.seconds()) ? "?" : dur(e.seconds()),
                  e.operation(),
                  e.resource(),
                  e.state(),
                  e.outcome())));
    }
  }

  private void footer(List<String> out, State st) {
    out.add("");
    if (st.compact() >= 2) {
      out.add(bold("Where to look next") + "  README \"What it records\", \"Configuration\" (names aliases), \"Attach it to any application\"");
      out.add("  app output: " + st.appLog() + dim("   alias: " + st.aliasSetting()));
      return;
    }
    out.add(bold("Where to look next"));
    out.add("  README \"What it records\": every metric, attribute, span event and log record shown above");
    out.add("  README \"Configuration\": thresholds, stack depth, and names aliases such as the one used here:");
    out.add("      -Dotel.instrumentation.blocked-time.names=" + st.aliasSetting());
    out.add("  README \"Attach it to any application\": the same two flags on your own service");
    out.add("  the app's own output (spans as OTLP JSON, the log records): " + st.appLog());
    if (!st.finalSummary()) {
      out.add("  the raw metrics:  curl -s " + st.metricsUrl() + " | grep -E '^jvm_(queue|lock)_'");
    }
  }

  /** A duration in seconds, in the unit a person reads best. */
  static String dur(double seconds) {
    if (Double.isNaN(seconds)) {
      return "-";
    }
    if (seconds < 1e-3) {
      return String.format(Locale.ROOT, "%.0f µs", seconds * 1e6);
    }
    if (seconds < 0.1) {
      return String.format(Locale.ROOT, "%.1f ms", seconds * 1e3);
    }
    if (seconds < 1) {
      return String.format(Locale.ROOT, "%.0f ms", seconds * 1e3);
    }
    if (seconds < 100) {
      return String.format(Locale.ROOT, "%.2f s", seconds);
    }
    return String.format(Locale.ROOT, "%.0f s", seconds);
  }
}
