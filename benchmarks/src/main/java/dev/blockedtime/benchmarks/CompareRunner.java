package dev.blockedtime.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs every selected benchmark in three configurations in one invocation and prints a markdown
 * table of throughputs and ratios:
 *
 * <ol>
 *   <li>{@code none}: no agent;
 *   <li>{@code agent}: {@code -javaagent:<opentelemetry-javaagent.jar>} with all exporters off;
 *   <li>{@code agent+ext}: the same plus {@code -Dotel.javaagent.extensions=<blocked-time.jar>}.
 * </ol>
 *
 * <p>Each JMH fork is a separate {@link Runner} run with {@code forks=1}; for every benchmark the
 * forks of the three configurations are interleaved (with the order rotated from one round to the
 * next), so slow drifts of a noisy machine hit all three alike. The forks of one configuration are
 * then merged into one {@link RunResult}, which gives JMH's own statistics over all their
 * measurement iterations.
 *
 * <p>Usage (normally through {@code benchmarks/run.sh}): {@code java -cp benchmarks.jar
 * dev.blockedtime.benchmarks.CompareRunner --agent A.jar --extension E.jar [options] [regex...]};
 * {@code --help} lists the options. Each option can also be given as a system property {@code
 * -Dbench.<option>=<value>} (e.g. {@code -Dbench.forks=3}); command-line options win.
 */
public final class CompareRunner {

  private static final String USAGE =
      String.join(
          "\n",
          "Usage: CompareRunner --agent <otel-agent.jar> --extension <extension.jar> [options] [regex...]",
          "",
          "  regex...            benchmarks to run (JMH include regexes, matched with find()); default: all",
          "  --exclude <regex>   benchmarks to leave out (repeatable)",
          "  --quick             smoke run: 1 fork, 1x0.5s warmup, 3x0.5s measurement (about 2.5 min for all;",
          "                      the agent's start-up, ~8 s per agent fork on 2 cores, dominates)",
          "  --forks <n>         forks per configuration (default 2)",
          "  --wi <n>            warmup iterations (default 5)",
          "  --w <time>          warmup iteration time, e.g. 1s, 500ms (default 1s)",
          "  --i <n>             measurement iterations (default 5)",
          "  --r <time>          measurement iteration time (default 1s)",
          "  --configs <list>    subset/order of none,agent,ext,ext-all,ext-stacks,ext-nomon,ext-noexec,",
          "                      ext-nofut,ext-off,jfr,agent-floor",
          "                      (default none,agent,ext);",
          "                      ext-all: agent+ext recording every wait (monitor threshold 0); ext-stacks:",
          "                      the same with a stack for every wait (stack threshold 0 too); jfr: agent +",
          "                      a JFR recording of every jdk.ThreadPark and jdk.JavaMonitorEnter event with",
          "                      its stack (threshold 0), and nothing else; ext-nomon: agent+ext with",
          "                      monitors.enabled=false (no JFR stream); ext-noexec: agent+ext with",
          "                      executors.enabled=false (no task timed); ext-nofut: agent+ext with",
          "                      futures.enabled=false; ext-off: the extension loaded with enabled=false",
          "                      (nothing instrumented, no thread of its own); agent-floor: the agent alone,",
          "                      with the executor benchmarks' tasks timing themselves by hand (a clock",
          "                      read on each side, one SDK histogram point: any design's least)",
          "  --jvm-args <args>   JVM arguments for every fork, space-separated (default \"-Xms1g -Xmx1g\")",
          "  --ext-args <args>   extra JVM arguments for the agent+ext forks only, e.g. extension settings",
          "  --cpu               also measure the whole JVM's CPU time per operation (all threads) and",
          "                      report it in a second table: the cost of benchmarks that wait",
          "  --record-metrics    instead of otel.metrics.exporter=none, use the pull-based Prometheus",
          "                      exporter (never scraped here): the SDK then really records metrics",
          "                      (with 'none' it hands out no-op meters), still without exporting",
          "  --prometheus-port <n>  the port for --record-metrics (default 19464)",
          "  --out <dir>         where results.md, results.json and jmh.log go (default target)",
          "  --verbose           also echo JMH's own output (always written to <out>/jmh.log)",
          "  --list              list the matching benchmarks and exit",
          "",
          "Every option also works as a system property: -Dbench.forks=3, -Dbench.quick=true, ...");

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** One of the three compared JVM configurations. */
  record Config(String key, String title, List<String> jvmArgs) {}

  /** All forks of one benchmark in one configuration. */
  static final class Cell {
    final List<BenchmarkResult> forks = new ArrayList<>();
    final List<Double> forkScores = new ArrayList<>();
    String failure;

    /** Median of all measurement iterations of all forks; robust to a few disturbed iterations. */
    double median() {
      ListStatistics all = new ListStatistics();
      for (BenchmarkResult fork : forks) {
        for (IterationResult iteration : fork.getIterationResults()) {
          all.addValue(iteration.getPrimaryResult().getScore());
        }
      }
      return all.getN() == 0 ? Double.NaN : all.getPercentile(50);
    }

    Result merged() {
      if (forks.isEmpty()) {
        return null;
      }
      return new RunResult(forks.get(0).getParams(), forks).getPrimaryResult();
    }

    /** The whole JVM's CPU time per operation ({@code --cpu}), or null. */
    Result cpu() {
      if (forks.isEmpty()) {
        return null;
      }
      return new RunResult(forks.get(0).getParams(), forks).getSecondaryResults().get(CpuTimeProfiler.NAME);
    }
  }

  private CompareRunner() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    if (args.flag("help")) {
      System.out.println(USAGE);
      return;
    }
    boolean quick = args.flag("quick");
    int forks = args.integer("forks", quick ? 1 : 2);
    int warmupIterations = args.integer("wi", quick ? 1 : 5);
    TimeValue warmupTime = TimeValue.fromString(args.value("w", quick ? "500ms" : "1s"));
    int iterations = args.integer("i", quick ? 3 : 5);
    TimeValue iterationTime = TimeValue.fromString(args.value("r", quick ? "500ms" : "1s"));
    Path out = Paths.get(args.value("out", "target")).toAbsolutePath();
    List<String> baseJvmArgs = split(args.value("jvm-args", "-Xms1g -Xmx1g"));
    boolean verbose = args.flag("verbose");
    boolean recordMetrics = args.flag("record-metrics");
    boolean cpu = args.flag("cpu");

    // Which benchmarks.
    OutputFormat quiet = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
    // Listed in the order of the first include each matches (queues first by default).
    List<String> includes =
        args.positional.isEmpty() ? List.of("\\.QueueBenchmarks\\.", ".*") : args.positional;
    Set<String> benchmarks = new LinkedHashSet<>();
    for (String include : includes) {
      for (BenchmarkListEntry entry :
          BenchmarkList.defaultList().find(quiet, List.of(include), args.values("exclude"))) {
        benchmarks.add(entry.getUsername());
      }
    }
    if (args.flag("list")) {
      benchmarks.forEach(System.out::println);
      return;
    }
    if (benchmarks.isEmpty()) {
      System.err.println("No benchmark matches " + includes);
      System.exit(2);
    }

    // Which configurations.
    String agentArg = args.value("agent", null);
    String extensionArg = args.value("extension", null);
    if (agentArg == null || extensionArg == null) {
      System.err.println("--agent and --extension are required.\n\n" + USAGE);
      System.exit(2);
    }
    Path agent = Paths.get(agentArg).toAbsolutePath();
    Path extensionSource = Paths.get(extensionArg).toAbsolutePath();
    for (Path jar : List.of(agent, extensionSource)) {
      if (!Files.isRegularFile(jar)) {
        System.err.println("Not a file: " + jar);
        System.exit(2);
      }
    }
    // Measure a private copy: the extension's own target/ may be rebuilt while this runs.
    Files.createDirectories(out);
    Path extension = snapshot(extensionSource, out.resolve("extension-under-test.jar"));
    List<String> agentArgs = new ArrayList<>();
    agentArgs.add("-javaagent:" + agent);
    agentArgs.add("-Dotel.traces.exporter=none");
    if (recordMetrics) {
      agentArgs.add("-Dotel.metrics.exporter=prometheus");
      agentArgs.add("-Dotel.exporter.prometheus.host=127.0.0.1");
      agentArgs.add("-Dotel.exporter.prometheus.port=" + args.value("prometheus-port", "19464"));
    } else {
      agentArgs.add("-Dotel.metrics.exporter=none");
    }
    agentArgs.add("-Dotel.logs.exporter=none");
    List<String> extArgs = new ArrayList<>(agentArgs);
    extArgs.add("-Dotel.javaagent.extensions=" + extension);
    extArgs.addAll(split(args.value("ext-args", "")));

    // The extension's side of the comparison with JFR: every wait recorded (lock and queue waits
    // always are; monitor enters from a 0 threshold on), then also with a stack walk for each.
    List<String> extAllArgs = withSetting(extArgs, "monitor-threshold=0");
    List<String> extStacksArgs = withSetting(extAllArgs, "stack-threshold=0");
    // The extension with its monitor part (JFR stream) off: what that part costs where nothing waits.
    List<String> extNoMonitorsArgs = withSetting(extArgs, "monitors.enabled=false");
    // The extension with its executor part off: what timing each task costs, apart from the rest.
    List<String> extNoExecutorsArgs = withSetting(extArgs, "executors.enabled=false");
    // The extension with its future part off, and the extension loaded but switched off entirely:
    // where a cost shows on a path with no advice, which part (if any) it comes from.
    List<String> extNoFuturesArgs = withSetting(extArgs, "futures.enabled=false");
    List<String> extOffArgs = withSetting(extArgs, "enabled=false");
    // The agent alone, the executor benchmarks' tasks timing themselves (ExecutorBenchmarks
    // .TIMED_BY_HAND): what any design that meets the contract adds to a task, with nothing else.
    List<String> agentFloorArgs = new ArrayList<>(agentArgs);
    agentFloorArgs.add("-Dblockedtime.bench.timedByHand=true");
    List<String> jfrArgs = new ArrayList<>(agentArgs);
    jfrArgs.add("-XX:StartFlightRecording=settings=" + writeJfrSettings(out));

    Map<String, Config> known = new LinkedHashMap<>();
    known.put("none", new Config("none", "no agent", List.of()));
    known.put("agent", new Config("agent", "agent", agentArgs));
    known.put("ext", new Config("ext", "agent+ext", extArgs));
    known.put("ext-all", new Config("ext-all", "agent+ext, every wait", extAllArgs));
    known.put("ext-stacks", new Config("ext-stacks", "agent+ext, every wait with its stack", extStacksArgs));
    known.put("ext-nomon", new Config("ext-nomon", "agent+ext, monitors off", extNoMonitorsArgs));
    known.put("ext-noexec", new Config("ext-noexec", "agent+ext, executors off", extNoExecutorsArgs));
    known.put("ext-nofut", new Config("ext-nofut", "agent+ext, futures off", extNoFuturesArgs));
    known.put("ext-off", new Config("ext-off", "agent+ext, extension off", extOffArgs));
    known.put("jfr", new Config("jfr", "agent+JFR, every park and monitor enter", jfrArgs));
    known.put("agent-floor", new Config("agent-floor", "agent, tasks timed by hand", agentFloorArgs));
    List<Config> configs = new ArrayList<>();
    for (String key : split(args.value("configs", "none,agent,ext").replace(',', ' '))) {
      Config config = known.get(key);
      if (config == null) {
        System.err.println("Unknown configuration '" + key + "'; expected one of " + known.keySet() + ".");
        System.exit(2);
      }
      configs.add(config);
    }

    Path logFile = out.resolve("jmh.log");
    Instant start = Instant.now();
    int total = benchmarks.size() * configs.size() * forks;
    System.out.printf(
        Locale.ROOT,
        "%d benchmark(s) x %d configuration(s) x %d fork(s) = %d JMH runs; warmup %dx%s,"
            + " measurement %dx%s. JMH output: %s%n",
        benchmarks.size(), configs.size(), forks, total, warmupIterations, warmupTime,
        iterations, iterationTime, logFile);

    Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
    List<RunResult> raw = new ArrayList<>();
    int done = 0;
    List<Double> loads = new ArrayList<>();
    int failures = 0;
    try (PrintStream log =
        new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8)) {
      PrintStream jmhOut = verbose ? new PrintStream(new Tee(log, System.out), true) : log;
      OutputFormat jmhFormat = OutputFormatFactory.createFormatInstance(jmhOut, VerboseMode.NORMAL);
      int benchmarkIndex = 0;
      for (String benchmark : benchmarks) {
        Map<String, Cell> row = new LinkedHashMap<>();
        configs.forEach(c -> row.put(c.key(), new Cell()));
        cells.put(benchmark, row);
        for (int fork = 0; fork < forks; fork++) {
          // Rotate the order each round: none,agent,ext then agent,ext,none then ext,none,agent...
          int shift = (benchmarkIndex + fork) % configs.size();
          for (int k = 0; k < configs.size(); k++) {
            Config config = configs.get((k + shift) % configs.size());
            Cell cell = row.get(config.key());
            done++;
            String what =
                String.format(
                    Locale.ROOT, "[%d/%d] %s %s fork %d/%d", done, total, shortName(benchmark),
                    config.title(), fork + 1, forks);
            jmhOut.println("\n===== " + what + " =====");
            if (cell.failure != null) {
              System.out.println(what + ": skipped (an earlier fork failed)");
              continue;
            }
            ChainedOptionsBuilder options =
                new OptionsBuilder()
                    .include("^" + Pattern.quote(benchmark) + "$")
                    .forks(1)
                    .warmupForks(0)
                    .warmupIterations(warmupIterations)
                    .warmupTime(warmupTime)
                    .measurementIterations(iterations)
                    .measurementTime(iterationTime)
                    .timeout(TimeValue.seconds(60))
                    .shouldFailOnError(true)
                    .jvmArgs(baseJvmArgs.toArray(new String[0]))
                    .verbosity(VerboseMode.NORMAL);
            if (!config.jvmArgs().isEmpty()) {
              options.jvmArgsAppend(config.jvmArgs().toArray(new String[0]));
            }
            if (cpu) {
              options.addProfiler(CpuTimeProfiler.class);
            }
            double load = loadAverage();
            if (!Double.isNaN(load)) {
              loads.add(load);
            }
            long t0 = System.nanoTime();
            try {
              Collection<RunResult> results = new Runner(options.build(), jmhFormat).run();
              if (results.isEmpty()) {
                throw new IllegalStateException("JMH returned no result");
              }
              for (RunResult result : results) {
                raw.add(result);
                for (BenchmarkResult forkResult : result.getBenchmarkResults()) {
                  cell.forks.add(forkResult);
                  cell.forkScores.add(forkResult.getPrimaryResult().getScore());
                }
              }
              Result r = results.iterator().next().getPrimaryResult();
              System.out.printf(
                  Locale.ROOT, "%s: %s %s (%.0f s)%n", what, withError(r.getScore(), r.getScoreError()),
                  r.getScoreUnit(), (System.nanoTime() - t0) / 1e9);
            } catch (Exception e) {
              failures++;
              cell.failure = String.valueOf(e.getMessage()).lines().findFirst().orElse("failed");
              System.out.println(what + ": FAILED: " + cell.failure + " (details in " + logFile + ")");
              e.printStackTrace(jmhOut);
            }
          }
        }
        benchmarkIndex++;
      }
    }
    Duration elapsed = Duration.between(start, Instant.now());

    String markdown =
        report(cells, configs, forks, warmupIterations, warmupTime, iterations, iterationTime,
            baseJvmArgs, agent, extension, extensionSource, recordMetrics, quick, loads, start, elapsed);
    Files.writeString(out.resolve("results.md"), markdown);
    if (!raw.isEmpty()) {
      ResultFormatFactory.getInstance(ResultFormatType.JSON, out.resolve("results.json").toString())
          .writeOut(raw);
    }
    System.out.println();
    System.out.println(markdown);
    System.out.println("Written: " + out.resolve("results.md") + ", " + out.resolve("results.json")
        + " (raw JMH JSON, one entry per fork; its jvmArgs tell the configuration), " + logFile);
    if (failures > 0) {
      System.err.println(failures + " JMH run(s) failed; see " + logFile);
      System.exit(1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The report

  static String report(
      Map<String, Map<String, Cell>> cells,
      List<Config> configs,
      int forks,
      int warmupIterations,
      TimeValue warmupTime,
      int iterations,
      TimeValue iterationTime,
      List<String> baseJvmArgs,
      Path agent,
      Path extension,
      Path extensionSource,
      boolean recordMetrics,
      boolean quick,
      List<Double> loads,
      Instant start,
      Duration elapsed) {
    StringBuilder md = new StringBuilder();
    md.append("# blocked-time overhead: no agent vs OpenTelemetry agent vs agent + extension\n\n");
    md.append(String.format(Locale.ROOT,
        "- Run %s, took %dm %02ds. %d forks per configuration, each %d x %s warmup + %d x %s"
            + " measurement; forks of the configurations interleaved per benchmark.%n",
        TIMESTAMP.format(start), elapsed.toMinutes(), elapsed.toSecondsPart(), forks,
        warmupIterations, warmupTime, iterations, iterationTime));
    if (quick) {
      md.append("- **Quick mode: a smoke test.** Too little warm-up and too few samples for the"
          + " numbers to mean anything.\n");
    }
    md.append(String.format(Locale.ROOT, "- JVM: %s %s (%s), %d CPUs; JVM args for every fork: `%s`.%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        System.getProperty("java.home"), Runtime.getRuntime().availableProcessors(),
        String.join(" ", baseJvmArgs)));
    md.append("- Agent: `").append(agent).append("` (").append(jarVersion(agent)).append(").\n");
    md.append("- Extension: `").append(extension).append("` (").append(describeFile(extension))
        .append("), copied at the start from `").append(extensionSource).append("`.\n");
    if (!loads.isEmpty()) {
      List<Double> sorted = new ArrayList<>(loads);
      Collections.sort(sorted);
      md.append(String.format(Locale.ROOT,
          "- Machine load (1-min load average when each fork started): min %.2f, median %.2f,"
              + " max %.2f on %d CPUs. Anything near or above the CPU count means other work"
              + " competed with the benchmarks.%n",
          sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1),
          Runtime.getRuntime().availableProcessors()));
    }
    for (Config config : configs) {
      md.append("- **").append(config.title()).append("**: ")
          .append(config.jvmArgs().isEmpty() ? "(no extra arguments)"
              : "`" + String.join(" ", config.jvmArgs()) + "`")
          .append('\n');
    }
    if (recordMetrics) {
      md.append("- Metrics: the Prometheus (pull) exporter is configured but never scraped, so the SDK"
          + " records every measurement and exports nothing. Traces and logs exporters are off.\n");
    } else {
      md.append("- **Exporters are off** (traces, metrics, logs = none), so this compares"
          + " instrumentation, not exporting. Note that with no metric reader the SDK hands out"
          + " no-op meters: the cost of *recording* the extension's histograms (slow path only) is"
          + " not included; `--record-metrics` includes it.\n");
    }
    md.append("- Scores are **throughput, higher is better** (ops/µs; in multi-threaded benchmarks"
        + " the sum over their threads), except those in a time-per-operation unit (µs/op: lower"
        + " is better). Ratios of throughputs > 1 mean the first is faster. ± is JMH's 99.9%"
        + " confidence half-width over all measurement iterations of all forks; ratio errors are"
        + " propagated to first order (relative errors in quadrature). `*` marks a ratio whose"
        + " interval excludes 1. Δ ns/op = 1/throughput(agent+ext) − 1/throughput(agent). The last"
        + " column compares medians of all iterations instead of means: less sensitive to a few"
        + " iterations disturbed by other work on the machine.\n\n");

    Config none = find(configs, "none");
    Config agentConfig = find(configs, "agent");
    Config ext = find(configs, "ext");
    String unit = null;
    for (Map<String, Cell> row : cells.values()) {
      for (Cell cell : row.values()) {
        Result r = cell.merged();
        if (r != null && unit == null) {
          unit = r.getScoreUnit();
        }
      }
    }
    unit = unit == null ? "" : unit.replace("us", "µs");

    md.append("| benchmark");
    for (Config config : configs) {
      md.append(" | ").append(config.title()).append(" (").append(unit).append(')');
    }
    if (none != null && agentConfig != null) {
      md.append(" | agent / no agent");
    }
    if (agentConfig != null && ext != null) {
      md.append(" | agent+ext / agent | Δ ns/op (ext − agent) | agent+ext / agent, medians");
    }
    List<Config> others = new ArrayList<>();
    for (Config config : configs) {
      if (agentConfig != null && !List.of("none", "agent", "ext").contains(config.key())) {
        others.add(config);
        md.append(" | ").append(config.key()).append(" / agent");
      }
    }
    md.append(" |\n|---");
    for (int i = 0; i < configs.size(); i++) {
      md.append("|---:");
    }
    if (none != null && agentConfig != null) {
      md.append("|---:");
    }
    if (agentConfig != null && ext != null) {
      md.append("|---:|---:|---:");
    }
    others.forEach(c -> md.append("|---:"));
    md.append("|\n");

    for (Map.Entry<String, Map<String, Cell>> entry : cells.entrySet()) {
      Map<String, Cell> row = entry.getValue();
      md.append("| ").append(shortName(entry.getKey()));
      for (Config config : configs) {
        Cell cell = row.get(config.key());
        Result r = cell.merged();
        md.append(" | ").append(cell.failure != null ? "FAILED" : r == null ? "–"
            : withError(r.getScore(), r.getScoreError()));
      }
      if (none != null && agentConfig != null) {
        md.append(" | ").append(ratio(row.get("agent").merged(), row.get("none").merged()));
      }
      if (agentConfig != null && ext != null) {
        Result a = row.get("agent").merged();
        Result e = row.get("ext").merged();
        md.append(" | ").append(ratio(e, a)).append(" | ").append(deltaNanos(e, a));
        double medianA = row.get("agent").median();
        double medianE = row.get("ext").median();
        md.append(" | ").append(Double.isNaN(medianA) || Double.isNaN(medianE) || medianA == 0
            ? "–" : String.format(Locale.ROOT, "%.3f", medianE / medianA));
      }
      for (Config other : others) {
        md.append(" | ").append(ratio(row.get(other.key()).merged(), row.get("agent").merged()));
      }
      md.append(" |\n");
    }

    appendRoundsTable(md, cells, configs);
    appendCpuTable(md, cells, configs);

    md.append("\nPer-fork means (").append(unit).append("), in run order within each configuration,"
        + " then [the median of all their iterations]:\n\n");
    md.append("| benchmark");
    configs.forEach(c -> md.append(" | ").append(c.title()));
    md.append(" |\n|---");
    configs.forEach(c -> md.append("|---"));
    md.append("|\n");
    for (Map.Entry<String, Map<String, Cell>> entry : cells.entrySet()) {
      md.append("| ").append(shortName(entry.getKey()));
      for (Config config : configs) {
        Cell cell = entry.getValue().get(config.key());
        List<String> scores = new ArrayList<>();
        cell.forkScores.forEach(s -> scores.add(significant(s)));
        md.append(" | ").append(String.join(", ", scores));
        if (!cell.forks.isEmpty()) {
          md.append(" [").append(significant(cell.median())).append(']');
        }
        if (cell.failure != null) {
          md.append(scores.isEmpty() ? "" : ", ").append("FAILED: ").append(cell.failure.replace('|', '/'));
        }
      }
      md.append(" |\n");
    }
    return md.toString();
  }

  static final String SETTINGS_PREFIX = "otel.instrumentation.blocked-time.";

  /** {@code base} and one more extension setting, {@code key=value}. */
  static List<String> withSetting(List<String> base, String setting) {
    List<String> args = new ArrayList<>(base);
    args.add("-D" + SETTINGS_PREFIX + setting);
    return args;
  }

  /**
   * A JFR settings file that records every park and every contended monitor enter, with stacks,
   * and no other event: the coverage blocked-time gives for locks and monitors, had from JFR.
   */
  static Path writeJfrSettings(Path dir) throws IOException {
    StringBuilder jfc = new StringBuilder();
    jfc.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<configuration version=\"2.0\" label=\"every park and monitor enter\">\n");
    for (String event : List.of("jdk.ThreadPark", "jdk.JavaMonitorEnter")) {
      jfc.append("  <event name=\"").append(event).append("\">\n")
          .append("    <setting name=\"enabled\">true</setting>\n")
          .append("    <setting name=\"stackTrace\">true</setting>\n")
          .append("    <setting name=\"threshold\">0 ms</setting>\n")
          .append("  </event>\n");
    }
    jfc.append("</configuration>\n");
    Path file = dir.resolve("every-park-and-monitor-enter.jfc");
    Files.writeString(file, jfc.toString());
    return file;
  }

  /**
   * Each configuration against the agent alone, round by round: a round runs one fork of every
   * configuration, one after the other, so a host whose speed moves between phases (on this
   * machine cross-core benchmarks run at one speed for minutes, then at half of it) moves both
   * forks of a round alike, and the rounds' ratios spread less than the forks do. Only with 2
   * forks or more.
   */
  private static void appendRoundsTable(
      StringBuilder md, Map<String, Map<String, Cell>> cells, List<Config> configs) {
    Config agentConfig = find(configs, "agent");
    List<Config> others = new ArrayList<>();
    for (Config c : configs) {
      if (agentConfig != null && !c.key().equals("agent") && !c.key().equals("none")) {
        others.add(c);
      }
    }
    boolean any =
        cells.values().stream().anyMatch(row -> row.get("agent") != null && row.get("agent").forkScores.size() >= 2);
    if (others.isEmpty() || !any) {
      return;
    }
    md.append("\nRound by round (a round is one fork of each configuration, adjacent in time): each"
        + " round's ratio to the agent alone's fork, then the rounds' median and mean with its 95%"
        + " interval (Student's t):\n\n| benchmark");
    others.forEach(c -> md.append(" | ").append(c.key()).append(" / agent, rounds | median | mean"));
    md.append(" |\n|---");
    others.forEach(c -> md.append("|---|---:|---:"));
    md.append("|\n");
    for (Map.Entry<String, Map<String, Cell>> entry : cells.entrySet()) {
      Map<String, Cell> row = entry.getValue();
      md.append("| ").append(shortName(entry.getKey()));
      for (Config c : others) {
        List<Double> ratios = roundRatios(row.get(c.key()).forkScores, row.get("agent").forkScores);
        List<String> shown = new ArrayList<>();
        ratios.forEach(r -> shown.add(String.format(Locale.ROOT, "%.3f", r)));
        md.append(" | ").append(String.join(" ", shown))
            .append(" | ").append(ratios.isEmpty() ? "–" : String.format(Locale.ROOT, "%.3f", median(ratios)))
            .append(" | ").append(meanWithInterval(ratios));
      }
      md.append(" |\n");
    }
  }

  /** {@code a[i] / b[i]} for each round both have. */
  static List<Double> roundRatios(List<Double> a, List<Double> b) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (b.get(i) != 0) {
        ratios.add(a.get(i) / b.get(i));
      }
    }
    return ratios;
  }

  static double median(List<Double> values) {
    return statistics(values).getPercentile(50);
  }

  /** "mean ± half-width of its 95% interval" (Student's t, JMH's), the mean alone below 3 values. */
  static String meanWithInterval(List<Double> values) {
    if (values.isEmpty()) {
      return "–";
    }
    ListStatistics stats = statistics(values);
    double mean = stats.getMean();
    double half = stats.getMeanErrorAt(0.95);
    if (Double.isNaN(half)) {
      return String.format(Locale.ROOT, "%.3f", mean);
    }
    String mark = Math.abs(mean - 1) > half ? " *" : "";
    return String.format(Locale.ROOT, "%.3f ± %.3f%s", mean, half, mark);
  }

  private static ListStatistics statistics(List<Double> values) {
    ListStatistics stats = new ListStatistics();
    values.forEach(stats::addValue);
    return stats;
  }

  /** With {@code --cpu}: CPU time per operation per configuration, and each against the agent's. */
  private static void appendCpuTable(StringBuilder md, Map<String, Map<String, Cell>> cells, List<Config> configs) {
    boolean any = cells.values().stream().anyMatch(row -> row.values().stream().anyMatch(c -> c.cpu() != null));
    if (!any) {
      return;
    }
    Config agentConfig = find(configs, "agent");
    md.append("\nCPU time of the whole JVM per operation (ns/op, every thread; **lower is better**;"
        + " `--cpu`), and each configuration's against the agent alone's (> 1: costs more):\n\n");
    md.append("| benchmark");
    configs.forEach(c -> md.append(" | ").append(c.title()));
    for (Config c : configs) {
      if (agentConfig != null && !c.key().equals("agent")) {
        md.append(" | ").append(c.key()).append(" / agent");
      }
    }
    md.append(" |\n|---");
    for (Config c : configs) {
      md.append("|---:");
      if (agentConfig != null && !c.key().equals("agent")) {
        md.append("|---:");
      }
    }
    md.append("|\n");
    for (Map.Entry<String, Map<String, Cell>> entry : cells.entrySet()) {
      Map<String, Cell> row = entry.getValue();
      md.append("| ").append(shortName(entry.getKey()));
      for (Config c : configs) {
        Result r = row.get(c.key()).cpu();
        md.append(" | ").append(r == null ? "–" : withError(r.getScore(), r.getScoreError()));
      }
      for (Config c : configs) {
        if (agentConfig != null && !c.key().equals("agent")) {
          md.append(" | ").append(ratio(row.get(c.key()).cpu(), row.get("agent").cpu()));
        }
      }
      md.append(" |\n");
    }
  }

  private static Config find(List<Config> configs, String key) {
    return configs.stream().filter(c -> c.key().equals(key)).findFirst().orElse(null);
  }

  /** {@code a / b} with first-order error propagation; '*' when the interval excludes 1. */
  static String ratio(Result a, Result b) {
    if (a == null || b == null || b.getScore() == 0) {
      return "–";
    }
    double r = a.getScore() / b.getScore();
    double relA = relative(a);
    double relB = relative(b);
    double err = r * Math.sqrt(relA * relA + relB * relB);
    String mark = !Double.isNaN(err) && Math.abs(r - 1) > err ? " *" : "";
    return Double.isNaN(err)
        ? String.format(Locale.ROOT, "%.3f", r)
        : String.format(Locale.ROOT, "%.3f ± %.3f%s", r, err, mark);
  }

  /** Time per operation of {@code a} minus that of {@code b}, in ns. */
  static String deltaNanos(Result a, Result b) {
    if (a == null || b == null) {
      return "–";
    }
    double perNsA = opsPerNano(a);
    double perNsB = opsPerNano(b);
    if (Double.isNaN(perNsA) || Double.isNaN(perNsB) || perNsA <= 0 || perNsB <= 0) {
      return "–";
    }
    double d = 1 / perNsA - 1 / perNsB;
    double errA = relative(a) / perNsA;
    double errB = relative(b) / perNsB;
    double err = Math.sqrt(errA * errA + errB * errB);
    return Double.isNaN(err)
        ? String.format(Locale.ROOT, "%+.1f", d)
        : String.format(Locale.ROOT, "%+.1f ± %.1f", d, err);
  }

  private static double relative(Result r) {
    return r.getScoreError() / r.getScore();
  }

  /** Converts a throughput score to operations per nanosecond, from its unit ("ops/us", ...). */
  private static double opsPerNano(Result r) {
    String unit = r.getScoreUnit();
    double score = r.getScore();
    switch (unit) {
      case "ops/ns":
        return score;
      case "ops/us":
        return score / 1e3;
      case "ops/ms":
        return score / 1e6;
      case "ops/s":
        return score / 1e9;
      case "ops/min":
        return score / 60e9;
      default:
        return Double.NaN;
    }
  }

  static String withError(double score, double error) {
    if (Double.isNaN(error)) {
      return significant(score);
    }
    return significant(score) + " ± " + significant(error);
  }

  /** Four significant digits, without exponent notation for the usual magnitudes. */
  static String significant(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    double abs = Math.abs(v);
    int decimals = abs == 0 ? 0 : Math.max(0, 3 - (int) Math.floor(Math.log10(abs)));
    return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
  }

  static String shortName(String benchmark) {
    String prefix = CompareRunner.class.getPackageName() + ".";
    return benchmark.startsWith(prefix) ? benchmark.substring(prefix.length()) : benchmark;
  }

  private static String jarVersion(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      String version = file.getManifest() == null ? null
          : file.getManifest().getMainAttributes().getValue("Implementation-Version");
      return version == null ? describeFile(jar) : "version " + version;
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static String describeFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[65536];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
      return String.format(Locale.ROOT, "%d bytes, modified %s, sha256 %s", Files.size(file),
          TIMESTAMP.format(Files.getLastModifiedTime(file).toInstant()),
          HexFormat.of().formatHex(sha.digest()).substring(0, 16));
    } catch (Exception e) {
      return "unreadable: " + e.getMessage();
    }
  }

  /** The 1-minute load average (Linux), or NaN. */
  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /** Copies {@code source} to {@code target}, retrying while it is not (yet) a readable jar. */
  private static Path snapshot(Path source, Path target) throws Exception {
    for (int attempt = 1; ; attempt++) {
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
      try (JarFile jar = new JarFile(target.toFile())) {
        jar.stream().count();
        return target;
      } catch (IOException e) {
        if (attempt == 6) {
          throw new IOException(source + " is not a readable jar: " + e.getMessage(), e);
        }
        System.err.println(source + " is not readable (being rebuilt?); retrying in 10 s");
        Thread.sleep(10_000);
      }
    }
  }

  private static List<String> split(String s) {
    String trimmed = s.trim();
    return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }

  /** {@code --name value}, {@code --name=value}, {@code --flag}, positionals; -Dbench.name fallbacks. */
  static final class Args {
    private static final Set<String> FLAGS =
        Set.of("quick", "verbose", "list", "help", "record-metrics", "cpu");
    private static final Set<String> VALUED =
        Set.of("agent", "extension", "out", "forks", "wi", "w", "i", "r", "configs", "jvm-args",
            "ext-args", "exclude", "prometheus-port");
    final Map<String, List<String>> options = new LinkedHashMap<>();
    final List<String> positional = new ArrayList<>();

    static Args parse(String[] argv) {
      Args args = new Args();
      for (int i = 0; i < argv.length; i++) {
        String a = argv[i];
        if (a.equals("-h")) {
          a = "--help";
        }
        if (a.startsWith("--")) {
          String name = a.substring(2);
          int eq = name.indexOf('=');
          String given = eq >= 0 ? name.substring(eq + 1) : null;
          name = eq >= 0 ? name.substring(0, eq) : name;
          String value;
          if (!FLAGS.contains(name) && !VALUED.contains(name)) {
            throw new IllegalArgumentException("Unknown option --" + name + ".\n\n" + USAGE);
          } else if (given != null) {
            value = given;
          } else if (FLAGS.contains(name)) {
            value = "true";
          } else if (i + 1 < argv.length) {
            value = argv[++i];
          } else {
            throw new IllegalArgumentException("Option --" + name + " needs a value.\n\n" + USAGE);
          }
          args.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        } else {
          args.positional.add(a);
        }
      }
      return args;
    }

    String value(String name, String defaultValue) {
      List<String> given = options.get(name);
      if (given != null) {
        return given.get(given.size() - 1);
      }
      return System.getProperty("bench." + name, defaultValue);
    }

    List<String> values(String name) {
      List<String> given = new ArrayList<>(options.getOrDefault(name, Collections.emptyList()));
      String property = System.getProperty("bench." + name);
      if (given.isEmpty() && property != null) {
        given.add(property);
      }
      return given;
    }

    boolean flag(String name) {
      return Boolean.parseBoolean(value(name, "false"));
    }

    int integer(String name, int defaultValue) {
      return Integer.parseInt(value(name, String.valueOf(defaultValue)));
    }
  }
}
