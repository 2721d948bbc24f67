package dev.blockedtime.demo.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the application's console output, line by line from its stdout and stderr, copies it to
 * a log file and picks out the two things the metrics endpoint does not show:
 *
 * <ul>
 *   <li>{@code jvm.blocked.stack} log records, printed by the agent's {@code logging} log exporter
 *       on stdout as {@code <time> INFO [eventName: jvm.blocked.stack] '<body>' : <trace> <span>
 *       [scopeInfo: blocked-time:] {code.stacktrace="<frames, one per line>",
 *       code.stacktrace.hash="<hash>", ...}} (one record may span several lines, as the stack text
 *       holds newlines). The {@code logging-otlp} JSON form is understood too.
 *   <li>spans and their {@code jvm.queue.blocked} / {@code jvm.lock.blocked} events, printed by the
 *       {@code logging-otlp} span exporter as one line of OTLP JSON per batch. (The plain {@code
 *       logging} span exporter prints no events, so the demo uses {@code logging-otlp} for spans.)
 * </ul>
 */
final class ChildTelemetry {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String STACK_EVENT = "jvm.blocked.stack";
  static final List<String> WAIT_EVENTS = List.of("jvm.queue.blocked", "jvm.lock.blocked");

  record StackRecord(String hash, List<String> frames, String kind, String resourceName, String resourceType) {}

  record SpanEvent(String spanName, String event, String resource, String operation, String state, String outcome, double seconds, String thread) {}

  private static final Pattern PLAIN_STACK_START = Pattern.compile("\\[eventName: " + Pattern.quote(STACK_EVENT) + "\\]");
  private static final Pattern ATTR_HASH = Pattern.compile("code\\.stacktrace\\.hash=\"([0-9a-fA-F]+)\"");
  private static final Pattern ATTR_STACK = Pattern.compile("code\\.stacktrace=\"([^\"]*)\"", Pattern.DOTALL);
  private static final Pattern ATTR_KIND = Pattern.compile("jvm\\.blocked\\.kind=\"([^\"]*)\"");
  private static final Pattern ATTR_NAME = Pattern.compile("jvm\\.(?:queue|lock)\\.name=\"([^\"]*)\"");
  private static final Pattern ATTR_TYPE = Pattern.compile("jvm\\.(?:queue|lock)\\.type=\"([^\"]*)\"");

  private final Writer log;
  private final Map<String, StackRecord> stacks = new LinkedHashMap<>();
  private final Map<String, Integer> eventsBySpanName = new LinkedHashMap<>();
  private final Map<String, Integer> eventsByName = new LinkedHashMap<>();
  private final List<String> lastLines = new ArrayList<>();
  private StringBuilder pendingPlainRecord; // a stack record still being read (stdout only)
  private long spans;
  private long spansWithWaitEvents;
  private long waitEvents;
  private SpanEvent latestEvent;
  private long linesSeen;

  ChildTelemetry(Writer log) {
    this.log = log;
  }

  synchronized void accept(String line, boolean stderr) {
    linesSeen++;
    try {
      log.write(line);
      log.write('\n');
      log.flush();
    } catch (IOException ignored) {
      // the log file is a convenience; the demo goes on without it
    }
    lastLines.add((stderr ? "[err] " : "[out] ") + line);
    if (lastLines.size() > 40) {
      lastLines.remove(0);
    }
    if (!stderr) {
      acceptPlainStackRecord(line);
    }
    if (line.contains("OtlpJsonLogging") && line.contains("{")) {
      acceptOtlpJson(line.substring(line.indexOf('{')));
    }
  }

  private void acceptPlainStackRecord(String line) {
    if (pendingPlainRecord == null) {
      if (!PLAIN_STACK_START.matcher(line).find()) {
        return;
      }
      pendingPlainRecord = new StringBuilder(line);
    } else {
      pendingPlainRecord.append('\n').append(line);
    }
    String text = pendingPlainRecord.toString();
    // The attribute map ends the record: a closing brace outside any quoted value.
    long quotes = text.chars().filter(c -> c == '"').count();
    if (quotes % 2 == 0 && text.endsWith("}")) {
      pendingPlainRecord = null;
      Matcher hash = ATTR_HASH.matcher(text);
      Matcher stack = ATTR_STACK.matcher(text);
      if (hash.find() && stack.find()) {
        addStack(hash.group(1), stack.group(1), find(ATTR_KIND, text), find(ATTR_NAME, text), find(ATTR_TYPE, text));
      }
    } else if (pendingPlainRecord.length() > 64_000) {
      pendingPlainRecord = null; // not the shape we expect; give up on this one
    }
  }

  private static String find(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1) : "";
  }

  private void addStack(String hash, String text, String kind, String name, String type) {
    List<String> frames = new ArrayList<>(Arrays.asList(text.split("\n")));
    frames.removeIf(String::isBlank);
    stacks.putIfAbsent(hash, new StackRecord(hash, Collections.unmodifiableList(frames), kind, name, type));
  }

  private void acceptOtlpJson(String json) {
    Object root;
    try {
      root = JSON.readValue(json, Object.class); // maps, lists, strings, numbers, booleans
    } catch (IOException e) {
      return;
    }
    walk(root);
  }

  @SuppressWarnings("unchecked")
  private void walk(Object node) {
    if (node instanceof List<?> list) {
      list.forEach(this::walk);
    } else if (node instanceof Map<?, ?> map) {
      Object spanList = map.get("spans");
      Object logList = map.get("logRecords");
      if (spanList instanceof List<?> s) {
        s.forEach(span -> acceptSpan((Map<String, Object>) span));
      }
      if (logList instanceof List<?> l) {
        l.forEach(rec -> acceptJsonLogRecord((Map<String, Object>) rec));
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!"spans".equals(e.getKey()) && !"logRecords".equals(e.getKey()) && (e.getValue() instanceof List || e.getValue() instanceof Map)) {
          walk(e.getValue());
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void acceptSpan(Map<String, Object> span) {
    spans++;
    String spanName = String.valueOf(span.getOrDefault("name", "?"));
    boolean any = false;
    if (span.get("events") instanceof List<?> events) {
      for (Object o : events) {
        Map<String, Object> ev = (Map<String, Object>) o;
        String name = String.valueOf(ev.get("name"));
        if (!WAIT_EVENTS.contains(name)) {
          continue;
        }
        any = true;
        waitEvents++;
        eventsBySpanName.merge(spanName, 1, Integer::sum);
        eventsByName.merge(name, 1, Integer::sum);
        Map<String, Object> a = attributes(ev.get("attributes"));
        String kind = name.startsWith("jvm.lock") ? "lock" : "queue";
        latestEvent =
            new SpanEvent(
                spanName,
                name,
                str(a.get("jvm." + kind + ".name")),
                str(a.get("jvm." + kind + ".operation")),
                str(a.get(kind.equals("lock") ? "jvm.lock.mode" : "jvm.queue.state")),
                str(a.get("jvm.blocked.outcome")),
                a.get("jvm.blocked.duration") instanceof Number d ? d.doubleValue() : Double.NaN,
                str(a.get("thread.name")));
        if (a.get("code.stacktrace") instanceof String st && a.get("code.stacktrace.hash") instanceof String h) {
          addStack(h, st, kind, latestEvent.resource(), str(a.get("jvm." + kind + ".type")));
        }
      }
    }
    if (any) {
      spansWithWaitEvents++;
    }
  }

  private void acceptJsonLogRecord(Map<String, Object> rec) {
    Map<String, Object> a = attributes(rec.get("attributes"));
    if (STACK_EVENT.equals(rec.get("eventName")) && a.get("code.stacktrace.hash") instanceof String h && a.get("code.stacktrace") instanceof String st) {
      addStack(h, st, str(a.get("jvm.blocked.kind")), str(a.getOrDefault("jvm.queue.name", a.get("jvm.lock.name"))), str(a.getOrDefault("jvm.queue.type", a.get("jvm.lock.type"))));
    }
  }

  /** OTLP JSON attributes ({@code [{"key":..,"value":{"stringValue":..}}]}) as a plain map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> attributes(Object list) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (list instanceof List<?> l) {
      for (Object o : l) {
        Map<String, Object> kv = (Map<String, Object>) o;
        Object v = kv.get("value");
        if (v instanceof Map<?, ?> vm && !vm.isEmpty()) {
          Map.Entry<?, ?> only = vm.entrySet().iterator().next();
          Object value = only.getValue();
          if ("intValue".equals(only.getKey()) && value instanceof String s) {
            value = Long.parseLong(s); // OTLP JSON writes 64-bit integers as strings
          }
          out.put(String.valueOf(kv.get("key")), value);
        }
      }
    }
    return out;
  }

  private static String str(Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  synchronized Map<String, StackRecord> stacks() {
    return new LinkedHashMap<>(stacks);
  }

  synchronized long spans() {
    return spans;
  }

  synchronized long spansWithWaitEvents() {
    return spansWithWaitEvents;
  }

  synchronized long waitEvents() {
    return waitEvents;
  }

  synchronized Map<String, Integer> eventsBySpanName() {
    return new LinkedHashMap<>(eventsBySpanName);
  }

  synchronized Map<String, Integer> eventsByName() {
    return new LinkedHashMap<>(eventsByName);
  }

  synchronized SpanEvent latestEvent() {
    return latestEvent;
  }

  synchronized List<String> lastLines() {
    return new ArrayList<>(lastLines);
  }

  synchronized long linesSeen() {
    return linesSeen;
  }
}
