package dev.blockedtime.demo.local;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process's output: every line goes to its log file, and the log records Prometheus cannot
 * show are picked out on the way. The agent's {@code logging} log exporter prints each record as
 * {@code <time> <SEVERITY> [eventName: <name>] '<body>' : <trace> <span> [scopeInfo: blocked-time:]
 * {<attributes>}}, over several lines when an attribute (a stack) holds newlines; the record ends
 * with the closing brace of its attributes.
 *
 * <ul>
 *   <li>{@code jvm.blocked.stack}: the code path behind a {@code code.stacktrace.hash}, the
 *       label the view shows on the busiest waits.
 *   <li>{@code jvm.deadlock}: a deadlock report; the view points to its line in the log.
 * </ul>
 */
final class ServiceLog {
  /** The code path behind one stack hash, from its {@code jvm.blocked.stack} record. */
  record StackRecord(String hash, List<String> frames, String resource) {}

  private static final Pattern RECORD_START = Pattern.compile("\\[eventName: (jvm\\.blocked\\.stack|jvm\\.deadlock)\\]");
  private static final Pattern HASH = Pattern.compile("code\\.stacktrace\\.hash=\"([0-9a-f]{16})\"");
  private static final Pattern STACK = Pattern.compile("code\\.stacktrace=\"([^\"]*)\"", Pattern.DOTALL);
  private static final Pattern RESOURCE = Pattern.compile("jvm\\.(?:queue|lock)\\.name=\"([^\"]*)\"");

  private final Path file;
  private final Writer out;
  private final Map<String, StackRecord> stacks = new LinkedHashMap<>();
  private final Deque<String> last = new ArrayDeque<>();
  private long lines;
  private StringBuilder pending; // a record still being read
  private String pendingEvent;
  private long firstDeadlockLine;
  private int deadlockRecords;

  ServiceLog(Path file) throws IOException {
    this.file = file;
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  Path file() {
    return file;
  }

  synchronized void accept(String line) {
    lines++;
    try {
      out.write(line);
      out.write('\n');
      out.flush();
    } catch (IOException ignored) {
      // the file is for reading later; the demo goes on without it
    }
    last.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
    if (last.size() > 30) {
      last.removeFirst();
    }
    readRecord(line);
  }

  private void readRecord(String line) {
    if (pending == null) {
      Matcher m = RECORD_START.matcher(line);
      if (!m.find()) {
        return;
      }
      pending = new StringBuilder(line);
      pendingEvent = m.group(1);
      if (pendingEvent.equals("jvm.deadlock")) {
        // Counted where it starts: its attributes (stacks) need not be quoted, so its end is a guess.
        deadlockRecords++;
        if (firstDeadlockLine == 0) {
          firstDeadlockLine = lines;
        }
      }
    } else {
      pending.append('\n').append(line);
    }
    String text = pending.toString();
    long quotes = text.chars().filter(c -> c == '"').count();
    if (quotes % 2 == 0 && text.endsWith("}")) {
      pending = null;
      if (pendingEvent.equals("jvm.deadlock")) {
        return;
      }
      Matcher hash = HASH.matcher(text);
      Matcher stack = STACK.matcher(text);
      if (hash.find() && stack.find()) {
        List<String> frames = new ArrayList<>(Arrays.asList(stack.group(1).split("\n")));
        frames.removeIf(String::isBlank);
        Matcher resource = RESOURCE.matcher(text);
        stacks.putIfAbsent(hash.group(1), new StackRecord(hash.group(1), List.copyOf(frames), resource.find() ? resource.group(1) : ""));
      }
    } else if (pending.length() > 200_000) {
      pending = null; // not the shape expected; skip it
    }
  }

  synchronized StackRecord stack(String hash) {
    return stacks.get(hash);
  }

  /** The line (1-based) where the first {@code jvm.deadlock} record starts, or 0. */
  synchronized long firstDeadlockLine() {
    return firstDeadlockLine;
  }

  synchronized int deadlockRecords() {
    return deadlockRecords;
  }

  synchronized List<String> lastLines() {
    return new ArrayList<>(last);
  }

  synchronized void close() {
    try {
      out.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
