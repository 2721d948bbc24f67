package dev.blockedtime.demo.quickstart;

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

  @SuppressWarnings("unchecked")
  private void acceptOtlpJson(String json) {
    Object root;
    try {
      root = Json.parse(json);
    } catch (RuntimeException e) {
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

  /** A minimal JSON reader: objects become maps, arrays lists, numbers doubles. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String s) {
      Json j = new Json(s);
      Object v = j.value();
      return v;
    }

    private Object value() {
      ws();
      char c = s.charAt(i);
      switch (c) {
        case '{':
          return object();
        case '[':
          return array();
        case '"':
          return string();
        case 't':
          i += 4;
          return Boolean.TRUE;
        case 'f':
          i += 5;
          return Boolean.FALSE;
        case 'n':
          i += 4;
          return null;
        default:
          return number();
      }
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      i++;
      ws();
      if (s.charAt(i) == '}') {
        i++;
        return m;
      }
      while (true) {
        ws();
        String key = string();
        ws();
        expect(':');
        m.put(key, value());
        ws();
        if (s.charAt(i) == ',') {
          i++;
          continue;
        }
        expect('}');
        return m;
      }
    }

    private List<Object> array() {
      List<Object> l = new ArrayList<>();
      i++;
      ws();
      if (s.charAt(i) == ']') {
        i++;
        return l;
      }
      while (true) {
        l.add(value());
        ws();
        if (s.charAt(i) == ',') {
          i++;
          continue;
        }
        expect(']');
        return l;
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      }
    }

    private Double number() {
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      return Double.valueOf(s.substring(start, i));
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + i);
      }
      i++;
    }
  }
}
