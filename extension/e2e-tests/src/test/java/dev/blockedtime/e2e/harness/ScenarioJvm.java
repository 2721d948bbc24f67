package dev.blockedtime.e2e.harness;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scenario program running in its own JVM, normally under the OpenTelemetry Java agent with the
 * blocked-time extension, exporting OTLP to an {@link OtlpReceiver}.
 *
 * <pre>{@code
 * try (OtlpReceiver receiver = new OtlpReceiver();
 *      ScenarioJvm jvm = ScenarioJvm.builder(MyScenario.class).receiver(receiver).start()) {
 *   assertThat(jvm.waitFor(Duration.ofSeconds(30))).isZero();
 *   receiver.awaitUntil(() -> !receiver.spans().isEmpty(), Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>stdout and stderr are merged (so their lines stay in order), kept in memory and written to
 * {@code target/scenario-logs/<name>-<timestamp>.log}, the first place to look when a test fails.
 */
public final class ScenarioJvm implements AutoCloseable {

  /** Metric export interval given to the agent; also read by {@link ScenarioSupport}. */
  public static final long EXPORT_INTERVAL_MILLIS = 250;

  private static final Map<String, Integer> FEATURE_VERSIONS = new ConcurrentHashMap<>();
  private static final Pattern VERSION = Pattern.compile("version \"(\\d+)(?:\\.(\\d+))?[^\"]*\"");

  // Scenarios still running when the test JVM exits (e.g. killed by a surefire timeout) would
  // otherwise outlive it; a deadlocking scenario never ends on its own.
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "scenario-reaper"));
  }

  private final String name;
  private final List<String> command;
  private final Process process;
  private final Path logFile;
  private final Thread pump;
  private final List<String> lines = new ArrayList<>(); // guarded by itself
  private boolean outputEnded; // guarded by lines

  private ScenarioJvm(String name, List<String> command, Map<String, String> env) {
    this.name = name;
    this.command = List.copyOf(command);
    try {
      Path dir = Path.of(System.getProperty("basedir", "."), "target", "scenario-logs");
      Files.createDirectories(dir);
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
      Path file = dir.resolve(name + "-" + stamp + ".log");
      for (int i = 2; Files.exists(file); i++) { // two starts of one scenario in the same millisecond
        file = dir.resolve(name + "-" + stamp + "-" + i + ".log");
      }
      logFile = file;
      Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
      log.write("# " + String.join(" ", command) + System.lineSeparator());
      if (!env.isEmpty()) {
        log.write("# env " + env + System.lineSeparator());
      }
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(env);
      try {
        process = pb.start();
      } catch (IOException e) {
        log.close();
        throw e;
      }
      RUNNING.add(process);
      process.onExit().thenRun(() -> RUNNING.remove(process));
      pump = new Thread(() -> pumpOutput(log), "scenario-output-" + name);
      pump.setDaemon(true);
      pump.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start scenario " + name + ": " + command, e);
    }
  }

  public static Builder builder(Class<?> mainClass) {
    return new Builder(mainClass.getName());
  }

  public static Builder builder(String mainClassName) {
    return new Builder(mainClassName);
  }

  // ---------------------------------------------------------------- output

  private void pumpOutput(Writer log) {
    try (log;
        BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        log.write(line);
        log.write(System.lineSeparator());
        log.flush(); // so the file is complete even if the test JVM dies
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process went away; whatever was read is kept.
    } finally {
      synchronized (lines) {
        outputEnded = true;
        lines.notifyAll();
      }
    }
  }

  /**
   * Waits for an output line containing the substring and returns it. Fails at once if the process
   * ends without printing it, or after the timeout.
   */
  public String awaitLine(String substring, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      int checked = 0;
      while (true) {
        for (; checked < lines.size(); checked++) {
          if (lines.get(checked).contains(substring)) {
            return lines.get(checked);
          }
        }
        if (outputEnded) {
          throw new AssertionError(describe("ended without printing \"" + substring + "\""));
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new AssertionError(describe(
              "did not print \"" + substring + "\" within " + timeout.toMillis() + " ms"));
        }
        try {
          lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** All output so far, one line each. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** All output so far as text. */
  public String output() {
    return String.join(System.lineSeparator(), lines());
  }

  public Path logFile() {
    return logFile;
  }

  public List<String> command() {
    return command;
  }

  // ---------------------------------------------------------------- input and life cycle

  /** Writes a line to the scenario's stdin (see {@link ScenarioSupport#awaitSignal}). */
  public void sendLine(String line) {
    try {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new AssertionError(describe("could not be sent \"" + line + "\": " + e));
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for the scenario to exit and returns its exit code, once all its output has been read.
   * On timeout the process is killed and the test fails.
   */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(describe("did not exit within " + timeout.toMillis() + " ms"));
      }
      pump.join(5_000);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * Asks the JVM to stop (SIGTERM), which runs shutdown hooks and so the agent's final export,
   * e.g. for a scenario that deadlocks on purpose. Kills it if it is not gone within the timeout.
   * Returns the exit code (143 for SIGTERM on Linux).
   */
  public int terminate(Duration timeout) {
    process.destroy();
    return waitFor(timeout);
  }

  /** Kills the process if it is still running; no telemetry flush happens then. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
        pump.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private String describe(String what) {
    List<String> all = lines();
    List<String> tail = all.subList(Math.max(0, all.size() - 40), all.size());
    return "scenario " + name + " (pid " + process.pid() + ") " + what
        + "\n  log: " + logFile.toAbsolutePath()
        + "\n  last output lines:\n    " + String.join("\n    ", tail);
  }

  // ---------------------------------------------------------------- java version

  /** The feature version (17, 21, 25...) of a java executable; runs {@code -version} once. */
  public static int javaFeatureVersion(String javaExecutable) {
    return FEATURE_VERSIONS.computeIfAbsent(javaExecutable, ScenarioJvm::readFeatureVersion);
  }

  /** The java executable scenarios run on unless a builder says otherwise. */
  public static String defaultJava() {
    String configured = System.getProperty("blockedtime.scenario.java");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int readFeatureVersion(String javaExecutable) {
    try {
      Process p = new ProcessBuilder(javaExecutable, "-version").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      Matcher m = VERSION.matcher(text);
      if (!m.find()) {
        throw new IllegalStateException("no version in `" + javaExecutable + " -version`: " + text);
      }
      int first = Integer.parseInt(m.group(1));
      return first == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : first; // 1.8 -> 8
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + javaExecutable, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- builder

  public static final class Builder {
    private final String mainClass;
    private final List<String> args = new ArrayList<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> extraClasspath = new ArrayList<>();
    private String classpath;
    private OtlpReceiver receiver;
    private boolean agent = true;
    private boolean extension = true;
    private String java;
    private String name;

    private Builder(String mainClass) {
      this.mainClass = mainClass;
    }

    /** Where the scenario exports; required while the agent is attached. */
    public Builder receiver(OtlpReceiver receiver) {
      this.receiver = receiver;
      return this;
    }

    public Builder args(String... programArgs) {
      args.addAll(List.of(programArgs));
      return this;
    }

    /** A -D property; overrides the harness's default for the same key. */
    public Builder systemProperty(String key, String value) {
      systemProperties.put(key, value);
      return this;
    }

    /** Any other JVM option, e.g. {@code -Xmx64m}; placed before the main class. */
    public Builder jvmArg(String option) {
      jvmArgs.add(option);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder withAgent(boolean attach) {
      this.agent = attach;
      return this;
    }

    /** Whether to load the blocked-time extension into the agent (ignored without the agent). */
    public Builder withExtension(boolean load) {
      this.extension = load;
      return this;
    }

    public Builder java(String javaExecutable) {
      this.java = javaExecutable;
      return this;
    }

    /** Replaces the whole default class path (see {@link #start()}). */
    public Builder classpath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    /** Adds entries (jars or directories) after the class path. */
    public Builder addClasspath(String... entries) {
      extraClasspath.addAll(List.of(entries));
      return this;
    }

    /** Base name of the log file and {@code otel.service.name}; default: main class simple name. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Starts the JVM. Default class path: {@code blockedtime.test.classpath} followed by the test
     * JVM's own class path (so scenarios can use the OpenTelemetry API, gRPC, ... from the test
     * dependencies), without any blocked-time artifact: the extension must only ever be loaded by
     * the agent, never from the application class path.
     */
    public ScenarioJvm start() {
      String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1);
      String scenarioName = name != null ? name : simpleName.replace('$', '.');
      String javaExe = java != null ? java : defaultJava();

      Map<String, String> props = new LinkedHashMap<>();
      List<String> cmd = new ArrayList<>();
      cmd.add(javaExe);
      if (agent) {
        if (receiver == null) {
          throw new IllegalStateException("a scenario with the agent needs receiver(...)");
        }
        cmd.add("-javaagent:" + requiredFile("blockedtime.agent.jar"));
        if (extension) {
          props.put("otel.javaagent.extensions", requiredFile("blockedtime.extension.jar"));
        }
        props.put("otel.exporter.otlp.endpoint", receiver.endpoint());
        props.put("otel.exporter.otlp.protocol", "http/protobuf");
        props.put("otel.metrics.exporter", "otlp");
        props.put("otel.traces.exporter", "otlp");
        props.put("otel.logs.exporter", "otlp");
        props.put("otel.metric.export.interval", Long.toString(EXPORT_INTERVAL_MILLIS));
        props.put("otel.bsp.schedule.delay", "100");
        props.put("otel.blrp.schedule.delay", "100");
        props.put("otel.service.name", scenarioName);
        props.put("otel.javaagent.logging", "simple");
      }
      props.putAll(systemProperties); // same key: the test's value wins
      props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
      cmd.addAll(jvmArgs);
      cmd.add("-cp");
      cmd.add(classpath != null ? joinClasspath(List.of(classpath), extraClasspath) : defaultClasspath());
      cmd.add(mainClass);
      cmd.addAll(args);
      return new ScenarioJvm(scenarioName, cmd, env);
    }

    private String defaultClasspath() {
      List<String> entries = new ArrayList<>();
      String testClasses = System.getProperty("blockedtime.test.classpath");
      if (testClasses != null && !testClasses.isBlank()) {
        entries.addAll(List.of(testClasses.split(File.pathSeparator)));
      }
      // Surefire runs tests from a manifest-only jar by default and reports the real class path here.
      String own = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      for (String entry : own.split(File.pathSeparator)) {
        if (!entry.isBlank() && !isBlockedTimeArtifact(entry)) {
          entries.add(entry);
        }
      }
      return joinClasspath(entries, extraClasspath);
    }

    private static boolean isBlockedTimeArtifact(String entry) {
      String normalized = entry.replace('\\', '/');
      String fileName = normalized.substring(normalized.lastIndexOf('/') + 1);
      return (fileName.startsWith("blocked-time-") && fileName.endsWith(".jar"))
          || normalized.contains("/extension/javaagent/target/")
          || normalized.contains("/extension/bootstrap/target/");
    }

    private static String joinClasspath(List<String> entries, List<String> extra) {
      Set<String> all = new LinkedHashSet<>(entries);
      all.addAll(extra);
      return String.join(File.pathSeparator, all);
    }

    private static String requiredFile(String property) {
      String path = System.getProperty(property);
      if (path == null || path.isBlank()) {
        throw new IllegalStateException("system property " + property + " is not set (run via Maven)");
      }
      if (!Files.isRegularFile(Path.of(path))) {
        throw new IllegalStateException(property + " points to a missing file: " + path);
      }
      return path;
    }
  }
}
