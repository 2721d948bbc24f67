package dev.blockedtime.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One process of the stack (Jaeger, the Collector, Prometheus, the application): output merged,
 * written to a log file and kept in memory for the test to read. Stopped with SIGTERM, then
 * SIGKILL; the JVM's shutdown hook kills what a test left running.
 */
final class ManagedProcess implements AutoCloseable {
  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private final List<String> lines = new ArrayList<>(); // guarded by itself
  private Process process;

  ManagedProcess(String name, List<String> command, Map<String, String> env, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.log = log;
  }

  /** Starts (or starts again, after {@link #stop}) the same command; output is appended. */
  ManagedProcess start() {
    try {
      Files.createDirectories(log.getParent());
      Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      out.write("# " + env + " " + String.join(" ", command) + System.lineSeparator());
      out.flush();
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      process = p;
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      Thread pump = new Thread(() -> pump(p, out), name + "-output");
      pump.setDaemon(true);
      pump.start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  private void pump(Process p, Writer out) {
    try (out; BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        out.write(line);
        out.write(System.lineSeparator());
        out.flush();
        synchronized (lines) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      // the process is gone; what was read is kept
    }
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Every output line so far that matches. */
  List<String> lines(Predicate<String> matching) {
    synchronized (lines) {
      return lines.stream().filter(matching).toList();
    }
  }

  /** The last lines of output, for a failure message. */
  String tail() {
    synchronized (lines) {
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
  }

  void stop(Duration grace) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }
}
