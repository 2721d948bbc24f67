package dev.blockedtime.demo.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A process the local demo started: its output copied to a {@link ServiceLog}, stopped on exit. */
final class ChildProcess {
  private final String name;
  private final Process process;
  private final ServiceLog log;
  private final Thread[] pumps;

  private ChildProcess(String name, Process process, ServiceLog log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.pumps = new Thread[] {pump(process.getInputStream(), "out"), pump(process.getErrorStream(), "err")};
  }

  static ChildProcess start(String name, List<String> command, Map<String, String> env, Path logFile) throws IOException {
    ServiceLog log = new ServiceLog(logFile);
    log.accept("# " + String.join(" ", command));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    return new ChildProcess(name, p, log);
  }

  private Thread pump(InputStream in, String stream) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  log.accept(line);
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            },
            name + "-" + stream);
    t.setDaemon(true);
    t.start();
    return t;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  ServiceLog log() {
    return log;
  }

  /** SIGTERM (JVMs run their shutdown hooks, Prometheus flushes), then SIGKILL after the grace time. */
  void stop(Duration grace) {
    if (process.isAlive()) {
      process.destroy();
    }
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      for (Thread t : pumps) {
        t.join(2000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    log.close();
  }
}
