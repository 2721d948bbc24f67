package dev.blockedtime.demo.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code jvm.blocked.stack} and {@code jvm.deadlock} log records as the Collector received them:
 * its {@code file/logs} exporter appends each batch as one line of OTLP/JSON to a file, which this
 * reads on from where it stopped.
 */
final class CollectorLogRecords {
  /** A {@code jvm.deadlock} record: the service that sent it and its body (one line per thread). */
  record Deadlock(String service, String body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Map<String, ServiceLog.StackRecord> stacks = new LinkedHashMap<>();
  private final List<Deadlock> deadlocks = new ArrayList<>();
  private long offset;
  private int records;

  CollectorLogRecords(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Reads the lines appended since the last call (a line still being written waits for the next). */
  synchronized void refresh() {
    if (!Files.exists(file)) {
      return;
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      if (f.length() < offset) {
        offset = 0; // the file was replaced
      }
      f.seek(offset);
      byte[] rest = new byte[(int) Math.min(f.length() - offset, 64 << 20)];
      f.readFully(rest);
      int end = lastNewline(rest);
      if (end < 0) {
        return;
      }
      offset += end + 1;
      for (String line : new String(rest, 0, end, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          read(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      // read again at the next refresh
    }
  }

  private void read(JsonNode request) {
    for (JsonNode rl : request.path("resourceLogs")) {
      String service = "?";
      for (JsonNode kv : rl.path("resource").path("attributes")) {
        if (kv.path("key").asText().equals("service.name")) {
          service = kv.path("value").path("stringValue").asText();
        }
      }
      for (JsonNode sl : rl.path("scopeLogs")) {
        for (JsonNode r : sl.path("logRecords")) {
          Map<String, String> a = new LinkedHashMap<>();
          r.path("attributes").forEach(kv -> a.put(kv.path("key").asText(), kv.path("value").path("stringValue").asText()));
          switch (r.path("eventName").asText()) {
            case "jvm.blocked.stack" -> {
              records++;
              List<String> frames = new ArrayList<>(Arrays.asList(a.getOrDefault("code.stacktrace", "").split("\n")));
              frames.removeIf(String::isBlank);
              String resource = a.getOrDefault("jvm.queue.name", a.getOrDefault("jvm.lock.name", ""));
              String hash = a.getOrDefault("code.stacktrace.hash", "");
              stacks.putIfAbsent(hash, new ServiceLog.StackRecord(hash, List.copyOf(frames), resource));
            }
            case "jvm.deadlock" -> {
              records++;
              deadlocks.add(new Deadlock(service, r.path("body").path("stringValue").asText()));
            }
            default -> { }
          }
        }
      }
    }
  }

  private static int lastNewline(byte[] b) {
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  synchronized ServiceLog.StackRecord stack(String hash) {
    return stacks.get(hash);
  }

  synchronized List<Deadlock> deadlocks() {
    return List.copyOf(deadlocks);
  }

  synchronized int stackRecords() {
    return stacks.size();
  }

  synchronized int records() {
    return records;
  }
}
