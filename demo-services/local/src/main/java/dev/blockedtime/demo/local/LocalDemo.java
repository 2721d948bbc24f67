package dev.blockedtime.demo.local;

import dev.blockedtime.demo.common.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The demo stack without Docker. Starts worker, intake and loadgen, each under the OpenTelemetry
 * Java agent with the blocked-time extension and serving the agent's Prometheus endpoint on its
 * own loopback port; starts a real Prometheus that scrapes them every 2 s and evaluates the
 * production rules ({@code prometheus/rules}); throws the scenario switches on a {@link Timeline};
 * and shows, from Prometheus's HTTP API, where the threads wait, on what, in which code, what is
 * stuck, and which alerts are pending or firing. Runs until Ctrl-C or for {@code --duration}, then
 * stops every process it started.
 *
 * <p>Run it with {@code scripts/local-demo.sh}, which builds the jars and installs Prometheus when
 * missing. Everything a test needs to find the stack is written to {@code
 * <out>/endpoints.properties} once the services are up.
 */
public final class LocalDemo {
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration PLAIN_SNAPSHOT_EVERY = Duration.ofSeconds(10);
  /** Aliases for the two resources the story is about; everything else keeps its allocation site. */
  static final String NAMES =
      "dev.blockedtime.demo.intake.OrderIntake.newOrderQueue:*=orders,dev.blockedtime.demo.intake.OrderProcessors.newProcessorPool:*=processors,dev.blockedtime.demo.worker.Inventory.newInventoryLock:*=inventory";
  /** The quickstart's alias (QuickstartApp.ORDERS_ALIAS). */
  static final String QUICKSTART_NAMES = "dev.blockedtime.demo.quickstart.OrderDesk.newOrderQueue:*=orders";

  private final Options options;
  private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
  private final List<TerminalView.Service> services = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Object screen = new Object();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Timeline timeline;
  private PrometheusApi prometheus;
  /** The real pipeline (--otelcol and --jaeger): where the services export, what the view reads. */
  private JaegerApi jaeger;
  private CollectorLogRecords collectorLogs;
  private int collectorOtlpHttp;
  private URI collectorMetrics;
  private volatile List<JaegerApi.Trace> traces = List.of();
  private long nextTraces;
  private Path tsdb;
  private Instant timelineStart;
  private volatile Snapshot last;
  private volatile boolean finished;

  private LocalDemo(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("local-demo: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    if (o.help) {
      OUT.println(Options.USAGE);
      return;
    }
    int status;
    LocalDemo demo = new LocalDemo(o);
    try {
      status = demo.run();
    } catch (Exception e) {
      System.err.println("local-demo: " + e);
      status = 1;
    }
    demo.finish(false);
    System.exit(status);
  }

  private int run() throws Exception {
    List<Path> needed = new ArrayList<>(List.of(options.agent, options.extension, options.template, options.rulesDir));
    if (options.pipeline()) {
      needed.addAll(List.of(options.otelcol, options.jaeger, options.collectorConfig, options.jaegerConfig, options.prometheusConfig));
    }
    for (Path p : needed) {
      if (!Files.exists(p)) {
        System.err.println("local-demo: not found: " + p + " (scripts/local-demo.sh builds everything first)");
        return 2;
      }
    }
    Files.createDirectories(options.out);
    Files.deleteIfExists(options.out.resolve("endpoints.properties"));
    timeline = Timeline.named(options.timeline);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> finish(true), "local-demo-stop"));

    Ports ports = new Ports();
    int workerGrpc = ports.next();
    int workerAdmin = ports.next();
    int intakeHttp = ports.next();
    int intakeAdmin = ports.next();
    int loadgenAdmin = ports.next();
    Map<String, Integer> metricsPorts = new LinkedHashMap<>();
    for (String s : options.serviceNames()) {
      metricsPorts.put(s, ports.next());
    }
    int prometheusPort = ports.next();

    if (options.pipeline()) {
      startPipeline(ports);
    }
    if (options.quickstart) {
      say("starting the quickstart application under the agent (output in " + TerminalView.display(options.out) + "/)");
      startService("quickstart", metricsPorts.get("quickstart"), null, List.of());
    } else {
      say("starting worker, intake and loadgen under the agent (output in " + TerminalView.display(options.out) + "/)");
      startService("worker", metricsPorts.get("worker"), URI.create("http://127.0.0.1:" + workerAdmin), List.of("-Ddemo.grpc.port=" + workerGrpc, "-Ddemo.admin.port=" + workerAdmin));
      startService(
          "intake",
          metricsPorts.get("intake"),
          URI.create("http://127.0.0.1:" + intakeAdmin),
          List.of("-Ddemo.http.port=" + intakeHttp, "-Ddemo.admin.port=" + intakeAdmin, "-Ddemo.worker.target=127.0.0.1:" + workerGrpc));
      startService(
          "loadgen",
          metricsPorts.get("loadgen"),
          URI.create("http://127.0.0.1:" + loadgenAdmin),
          List.of("-Ddemo.intake.url=http://127.0.0.1:" + intakeHttp, "-Ddemo.admin.port=" + loadgenAdmin, "-Ddemo.rate=" + options.rate));
    }

    say("starting Prometheus on 127.0.0.1:" + prometheusPort + " (scrape and rule evaluation every 2 s; rules from " + TerminalView.display(options.rulesDir) + ")");
    startPrometheus(prometheusPort, metricsPorts);

    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    Set<String> up = new HashSet<>();
    while (up.size() < services.size() + 1) {
      for (ChildProcess c : children) {
        if (!c.isAlive()) {
          return died(c);
        }
      }
      for (TerminalView.Service s : services) {
        if (!up.contains(s.name()) && serviceUp(s, up.contains("prometheus"))) {
          up.add(s.name());
          say(s.name() + " is up (pid " + s.pid() + (options.pipeline() ? ", exporting OTLP to the Collector)" : ", metrics " + s.metrics() + ")"));
        }
      }
      if (!up.contains("prometheus") && prometheus.ready()) {
        up.add("prometheus");
        say("Prometheus is up: " + prometheus.base());
      }
      if (System.nanoTime() > deadline) {
        System.err.println("local-demo: not up after " + STARTUP_TIMEOUT.toSeconds() + " s: " + missing(up));
        return 1;
      }
      Thread.sleep(250);
    }

    timelineStart = Instant.now();
    Map<String, URI> admins = new LinkedHashMap<>();
    services.stream().filter(s -> s.admin() != null).forEach(s -> admins.put(s.name(), s.admin()));
    timeline.start(admins, this::event);
    writeEndpoints(intakeHttp, workerGrpc);
    say("all up; timeline " + timeline.name() + (options.forever ? ", until Ctrl-C" : ", for " + options.duration.toSeconds() + " s") + "; endpoints in " + TerminalView.display(options.out.resolve("endpoints.properties")));

    if (options.tty) {
      OUT.print("\033[?1049h\033[?25l"); // the alternate screen, cursor hidden, while redrawing
    }
    long end = options.forever ? Long.MAX_VALUE : System.nanoTime() + options.duration.toNanos();
    long nextPlain = System.nanoTime() + PLAIN_SNAPSHOT_EVERY.toNanos();
    while (!finished && System.nanoTime() < end) {
      long tick = System.nanoTime();
      for (ChildProcess c : children) {
        if (!c.isAlive() && !finished) {
          return died(c);
        }
      }
      last = Snapshot.read(prometheus, options.window);
      readPipeline();
      if (options.tty) {
        draw(render(false));
      } else if (System.nanoTime() >= nextPlain) {
        nextPlain = System.nanoTime() + PLAIN_SNAPSHOT_EVERY.toNanos();
        printPlain(render(false));
      }
      long sleep = Math.min(end, tick + options.interval.toNanos()) - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      }
    }
    return 0;
  }

  private void startService(String name, int metricsPort, URI admin, List<String> properties) throws IOException {
    Path jar = options.servicesDir.resolve(name).resolve("target").resolve(name + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IOException("not found: " + jar + " (build with scripts/local-demo.sh)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    // Three JVMs and Prometheus share the machine: a small heap, the serial collector and C1 only
    // start faster and leave CPU to the scenarios (the waits do not depend on the JIT).
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-javaagent:" + options.agent.toAbsolutePath());
    cmd.add("-Dotel.javaagent.extensions=" + options.extension.toAbsolutePath());
    cmd.add("-Dotel.service.name=" + name);
    if (options.pipeline()) {
      // Traces, metrics and log records over OTLP/HTTP (the agent's defaults) to the Collector.
      cmd.add("-Dotel.exporter.otlp.endpoint=http://127.0.0.1:" + collectorOtlpHttp);
      cmd.add("-Dotel.exporter.otlp.protocol=http/protobuf");
      cmd.add("-Dotel.metric.export.interval=2000");
    } else {
      cmd.add("-Dotel.metrics.exporter=prometheus");
      cmd.add("-Dotel.exporter.prometheus.host=127.0.0.1");
      cmd.add("-Dotel.exporter.prometheus.port=" + metricsPort);
      // The jvm.blocked.stack and jvm.deadlock records, printed into the service's log for the view.
      cmd.add("-Dotel.logs.exporter=logging");
      // No trace backend here, so no exemplars (they would only bloat each scrape).
      cmd.add("-Dotel.metrics.exemplar.filter=always_off");
    }
    cmd.add("-Ddemo.parent.pid=" + ProcessHandle.current().pid());
    cmd.add("-Ddemo.bind.host=127.0.0.1");
    cmd.addAll(properties);
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());

    // Defaults a person may override from the environment (OTEL_* variables reach the agent).
    Map<String, String> env = new LinkedHashMap<>();
    if (!options.pipeline()) {
      env.put("OTEL_TRACES_EXPORTER", "none"); // no trace backend here; OTEL_TRACES_EXPORTER=logging-otlp prints them
    }
    env.put("OTEL_INSTRUMENTATION_BLOCKED_TIME_DEADLOCK_DETECTION_INTERVAL", "2s");
    env.put("OTEL_INSTRUMENTATION_BLOCKED_TIME_NAMES", options.quickstart ? QUICKSTART_NAMES : NAMES);
    env.keySet().removeIf(k -> System.getenv(k) != null);

    ChildProcess child = ChildProcess.start(name, cmd, env, options.out.resolve(name + ".log"));
    children.add(child);
    URI metrics = options.pipeline() ? collectorMetrics : URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
    services.add(new TerminalView.Service(name, child.pid(), child.log().file(), admin, metrics, child.log()));
  }

  private void startPrometheus(int port, Map<String, Integer> metricsPorts) throws IOException {
    String config = options.pipeline() ? collectorScrapeConfig() : localScrapeConfig(metricsPorts);
    Path configFile = options.out.resolve("prometheus.yml");
    Files.writeString(configFile, config);
    tsdb = Files.createTempDirectory("blocked-time-prometheus-");
    List<String> cmd =
        List.of(
            options.prometheusBin,
            "--config.file=" + configFile.toAbsolutePath(),
            "--storage.tsdb.path=" + tsdb,
            "--storage.tsdb.retention.time=1d",
            "--web.listen-address=127.0.0.1:" + port,
            "--log.level=warn");
    startWatched("prometheus", cmd, Map.of());
    prometheus = new PrometheusApi(URI.create("http://127.0.0.1:" + port));
  }

  /** prometheus/prometheus.yml (compose's) pointed at the local Collector, scraping every 2 s. */
  private String collectorScrapeConfig() throws IOException {
    String config = Files.readString(options.prometheusConfig);
    for (String[] r : List.of(
        new String[] {"otel-collector:8889", collectorMetrics.getAuthority()},
        new String[] {"rules/*.rules.yml", options.rulesDir.toAbsolutePath().normalize().resolve("*.rules.yml").toString()})) {
      if (!config.contains(r[0])) {
        throw new IOException(options.prometheusConfig + " no longer contains " + r[0] + "; LocalDemo cannot point it at the local Collector");
      }
      config = config.replace(r[0], r[1]);
    }
    return config.replaceFirst("scrape_interval: \\S+", "scrape_interval: 2s").replaceFirst("evaluation_interval: \\S+", "evaluation_interval: 2s");
  }

  private String localScrapeConfig(Map<String, Integer> metricsPorts) throws IOException {
    if (options.quickstart) {
      // The template's three jobs are the stack's; the quickstart's one job, in the same form.
      return "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n  evaluation_interval: 2s\n"
          + "rule_files:\n  - " + options.rulesDir.toAbsolutePath().normalize().resolve("*.rules.yml") + "\n"
          + "scrape_configs:\n  - job_name: quickstart\n    static_configs:\n      - targets: [\"127.0.0.1:" + metricsPorts.get("quickstart") + "\"]\n";
    }
    return Files.readString(options.template)
            .replace("${RULES_DIR}", options.rulesDir.toAbsolutePath().normalize().toString())
            .replace("${INTAKE_METRICS_TARGET}", "127.0.0.1:" + metricsPorts.get("intake"))
            .replace("${WORKER_METRICS_TARGET}", "127.0.0.1:" + metricsPorts.get("worker"))
            .replace("${LOADGEN_METRICS_TARGET}", "127.0.0.1:" + metricsPorts.get("loadgen"));
  }

  /** Jaeger, then the Collector that sends it traces, both from collector-config/ on free ports. */
  private void startPipeline(Ports ports) throws Exception {
    int jaegerOtlp = ports.next();
    int jaegerQuery = ports.next();
    jaeger = new JaegerApi(URI.create("http://127.0.0.1:" + jaegerQuery));
    say("starting Jaeger (query API " + jaeger.base() + ") and the Collector (" + TerminalView.display(options.collectorConfig) + ")");
    startWatched(
        "jaeger",
        List.of(options.jaeger.toString(), "--config=" + options.jaegerConfig.toAbsolutePath()),
        Map.of(
            "JAEGER_OTLP_GRPC_ENDPOINT", "127.0.0.1:" + jaegerOtlp,
            "JAEGER_QUERY_HTTP_ENDPOINT", "127.0.0.1:" + jaegerQuery,
            "JAEGER_QUERY_GRPC_ENDPOINT", "127.0.0.1:" + ports.next(),
            "JAEGER_TELEMETRY_HOST", "127.0.0.1",
            "JAEGER_TELEMETRY_PORT", Integer.toString(ports.next())));
    collectorOtlpHttp = ports.next();
    int exporter = ports.next();
    collectorMetrics = URI.create("http://127.0.0.1:" + exporter + "/metrics");
    Path logs = options.out.resolve("collector-logs.jsonl");
    Files.deleteIfExists(logs);
    collectorLogs = new CollectorLogRecords(logs);
    startWatched(
        "otelcol",
        List.of(options.otelcol.toString(), "--config=" + options.collectorConfig.toAbsolutePath()),
        Map.of(
            "OTELCOL_OTLP_GRPC_ENDPOINT", "127.0.0.1:" + ports.next(),
            "OTELCOL_OTLP_HTTP_ENDPOINT", "127.0.0.1:" + collectorOtlpHttp,
            "OTELCOL_JAEGER_ENDPOINT", "127.0.0.1:" + jaegerOtlp,
            "OTELCOL_PROMETHEUS_ENDPOINT", "127.0.0.1:" + exporter,
            "OTELCOL_TELEMETRY_HOST", "127.0.0.1",
            "OTELCOL_TELEMETRY_PORT", Integer.toString(ports.next()),
            "OTELCOL_LOGS_FILE", logs.toAbsolutePath().toString()));
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (!(jaeger.ready() && answers(collectorMetrics))) {
      for (ChildProcess c : children) {
        if (!c.isAlive()) {
          throw new IOException(c.name() + " stopped at start; see " + TerminalView.display(c.log().file()));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("Jaeger and the Collector not up after " + STARTUP_TIMEOUT.toSeconds() + " s; see " + TerminalView.display(options.out) + "/{jaeger,otelcol}.log");
      }
      Thread.sleep(200);
    }
  }

  /** Every 10 s: the traces with waits from Jaeger; every tick: new log records at the Collector. */
  private void readPipeline() {
    if (!options.pipeline()) {
      return;
    }
    collectorLogs.refresh();
    if (System.nanoTime() >= nextTraces) {
      nextTraces = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      try {
        traces = jaeger.tracesWithWaits(options.quickstart ? List.of("quickstart") : List.of("intake", "worker"), "10m", 1);
      } catch (IOException e) {
        // shown as before; the next read may work
      }
    }
  }

  /**
   * A child wrapped in a watchdog shell: it stops the child when this JVM is gone, even if it was
   * killed without running its shutdown hook (the demo services watch for that themselves).
   */
  private void startWatched(String name, List<String> cmd, Map<String, String> env) throws IOException {
    String watchdog =
        "\"$@\" & child=$!; trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT;"
            + " while kill -0 $child 2>/dev/null; do"
            + " if ! kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; then kill -TERM $child; wait $child; exit 0; fi;"
            + " sleep 1; done; wait $child";
    List<String> wrapped = new ArrayList<>(List.of("sh", "-c", watchdog, name + "-watchdog"));
    wrapped.addAll(cmd);
    children.add(ChildProcess.start(name, wrapped, env, options.out.resolve(name + ".log")));
  }

  /**
   * Up: its admin endpoint answers (the quickstart has none), and its metrics are where Prometheus
   * reads them: its own endpoint, or, through the Collector, in Prometheus itself.
   */
  private boolean serviceUp(TerminalView.Service s, boolean prometheusUp) {
    if (s.admin() != null && !answers(s.admin().resolve("/healthz"))) {
      return false;
    }
    if (!options.pipeline()) {
      return answers(s.metrics());
    }
    if (s.admin() != null) {
      return true;
    }
    try {
      return prometheusUp && !prometheus.query("target_info{job=\"" + s.name() + "\"}").isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private boolean answers(URI uri) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String missing(Set<String> up) {
    List<String> out = new ArrayList<>();
    services.forEach(s -> {
      if (!up.contains(s.name())) {
        out.add(s.name() + " (see " + TerminalView.display(s.log()) + ")");
      }
    });
    if (!up.contains("prometheus")) {
      out.add("prometheus (see " + TerminalView.display(options.out.resolve("prometheus.log")) + ")");
    }
    return String.join(", ", out);
  }

  private int died(ChildProcess c) {
    if (finished) {
      return 0;
    }
    restoreScreen();
    System.err.println("local-demo: " + c.name() + " stopped unexpectedly (exit status " + c.exitValue() + "); its last output:");
    c.log().lastLines().forEach(l -> System.err.println("  " + l));
    System.err.println("local-demo: full output in " + TerminalView.display(c.log().file()));
    return 1;
  }

  private void writeEndpoints(int intakeHttp, int workerGrpc) throws IOException {
    Properties p = new Properties();
    p.setProperty("prometheus.url", prometheus.base().toString());
    p.setProperty("timeline", timeline.name());
    p.setProperty("timeline.start.epoch.millis", Long.toString(timelineStart.toEpochMilli()));
    for (Timeline.Step s : timeline.steps()) {
      p.setProperty("timeline.step." + s.title().replace(' ', '-') + ".seconds", Long.toString(s.at().toSeconds()));
    }
    p.setProperty("intake.url", "http://127.0.0.1:" + intakeHttp);
    p.setProperty("worker.grpc.target", "127.0.0.1:" + workerGrpc);
    p.setProperty("prometheus.tsdb", tsdb.toString());
    if (options.pipeline()) {
      p.setProperty("jaeger.url", jaeger.base().toString());
      p.setProperty("collector.metrics", collectorMetrics.toString());
      p.setProperty("collector.otlp.http", "http://127.0.0.1:" + collectorOtlpHttp);
      p.setProperty("collector.logs.file", collectorLogs.file().toAbsolutePath().toString());
    }
    for (TerminalView.Service s : services) {
      if (s.admin() != null) {
        p.setProperty(s.name() + ".admin", s.admin().toString());
      }
      p.setProperty(s.name() + ".metrics", s.metrics().toString());
      p.setProperty(s.name() + ".pid", Long.toString(s.pid()));
      p.setProperty(s.name() + ".log", s.log().toAbsolutePath().toString());
    }
    Path tmp = options.out.resolve("endpoints.properties.tmp");
    try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "written by LocalDemo once the stack is up");
    }
    Files.move(tmp, options.out.resolve("endpoints.properties"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private void event(String text) {
    String line = "t+" + timeline.elapsed().toSeconds() + "s " + text;
    events.add(line);
    if (!options.tty) {
      synchronized (screen) {
        if (!finished) {
          OUT.println("[local-demo] " + line);
        }
      }
    }
  }

  private void say(String text) {
    if (!options.tty || timelineStart == null) {
      OUT.println("==> " + text);
    }
  }

  private List<String> render(boolean summary) {
    TerminalView.State state =
        new TerminalView.State(
            last,
            timeline,
            services,
            prometheus.base(),
            options.rulesDir.resolve("blocked-time.rules.yml"),
            options.out,
            timelineStart,
            events,
            summary ? null : "stop: Ctrl-C (stops every process started here)",
            summary,
            options.pipeline() ? new TerminalView.Pipeline(jaeger, traces, collectorLogs) : null);
    return new TerminalView(options.tty && !summary).render(state);
  }

  private void draw(List<String> lines) {
    synchronized (screen) {
      if (finished) {
        return;
      }
      int rows = options.rows > 0 ? options.rows : 60;
      List<String> visible = lines;
      if (lines.size() > rows - 1) {
        visible = new ArrayList<>(lines.subList(0, rows - 2));
        visible.add("… " + (lines.size() - rows + 2) + " more lines (enlarge the terminal)");
      }
      StringBuilder b = new StringBuilder("\033[H");
      for (String l : visible) {
        b.append(clip(l)).append("\033[K\n");
      }
      b.append("\033[J");
      OUT.print(b);
      OUT.flush();
    }
  }

  /** Cuts a line to the terminal width, not counting ANSI escapes. */
  private String clip(String line) {
    int width = options.columns > 0 ? options.columns : 200;
    StringBuilder b = new StringBuilder();
    int visible = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\033') {
        int end = line.indexOf('m', i);
        if (end > 0) {
          b.append(line, i, end + 1);
          i = end;
          continue;
        }
      }
      if (visible >= width) {
        b.append("\033[0m");
        break;
      }
      b.append(c);
      visible++;
    }
    return b.toString();
  }

  private void printPlain(List<String> lines) {
    synchronized (screen) {
      if (finished) {
        return;
      }
      OUT.println();
      OUT.println("---- t+" + timeline.elapsed().toSeconds() + "s ----");
      lines.forEach(OUT::println);
    }
  }

  private void restoreScreen() {
    if (options.tty) {
      OUT.print("\033[?1049l\033[?25h");
      OUT.flush();
    }
  }

  /** Once: a last look, the summary, then every process stopped and Prometheus's data removed. */
  private void finish(boolean signalled) {
    synchronized (screen) {
      if (finished) {
        return;
      }
      finished = true;
    }
    restoreScreen();
    if (prometheus != null && timelineStart != null) {
      Snapshot s = Snapshot.read(prometheus, options.window);
      if (s.errors.isEmpty()) {
        last = s;
      }
      if (last != null) {
        OUT.println();
        if (signalled) {
          OUT.println("(interrupted)");
        }
        render(true).forEach(OUT::println);
      }
    }
    // Load first, so nothing calls a service that is already gone; Prometheus last.
    List<ChildProcess> order = new ArrayList<>(children);
    order.sort(Comparator.comparingInt(c -> List.of("quickstart", "loadgen", "intake", "worker", "otelcol", "jaeger", "prometheus").indexOf(c.name())));
    for (ChildProcess c : order) {
      c.stop(STOP_GRACE);
    }
    if (tsdb != null) {
      deleteTree(tsdb);
    }
    if (!children.isEmpty()) {
      OUT.println("==> stopped " + children.size() + " processes; logs in " + TerminalView.display(options.out) + "/");
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a temporary directory; the system cleans it eventually
    }
  }

  /** Free loopback ports, each distinct (asked of the kernel one at a time, then released). */
  private static final class Ports {
    private final Set<Integer> given = new HashSet<>();

    int next() throws IOException {
      for (int attempt = 0; attempt < 50; attempt++) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          if (given.add(s.getLocalPort())) {
            return s.getLocalPort();
          }
        }
      }
      throw new IOException("no free port");
    }
  }

  static final class Options {
    static final String USAGE =
        "usage: LocalDemo --repo DIR [--quickstart] [--otelcol BIN --jaeger BIN] [--duration D | --forever] [--timeline normal|fast|off] [--rate N]\n"
            + "                 [--out DIR] [--interval 2s] [--window 30s] [--plain | --tty] [--prometheus BIN]\n"
            + "                 [--agent JAR] [--extension JAR]\n"
            + "  --repo DIR        the repository root (finds the jars, prometheus/rules and the config template)\n"
            + "  --quickstart      one small application (demo-services/quickstart) instead of the three services\n"
            + "  --duration D      stop after D once the services are up (forms: 90s, 5m, 90); default: until Ctrl-C\n"
            + "  --timeline T      normal: scenarios over ~3 min; fast: the same in ~45 s; off: none (default normal)\n"
            + "  --rate N          orders per second from loadgen (default 40)\n"
            + "  --out DIR         logs, the rendered Prometheus config, endpoints.properties (default <repo>/demo-out/local)\n"
            + "  --interval D      how often to query Prometheus and redraw (default 2s)\n"
            + "  --window D        rate window of the view's queries (default 30s)\n"
            + "  --plain           print a snapshot every 10 s instead of redrawing (default when stdout is not a terminal)\n"
            + "  --prometheus BIN  the Prometheus binary (default: prometheus on PATH)\n"
            + "  --otelcol BIN --jaeger BIN\n"
            + "                    the real pipeline: the services export OTLP to this Collector, which sends traces to\n"
            + "                    this Jaeger and metrics to Prometheus (scripts/build-stack.sh builds both); without\n"
            + "                    them, Prometheus scrapes each agent's own endpoint";

    Path repo;
    Path agent;
    Path extension;
    Path servicesDir;
    Path template;
    Path rulesDir;
    Path out;
    /** The real pipeline: both set (scripts/build-stack.sh builds them), else each agent's own endpoint. */
    Path otelcol;
    Path jaeger;
    Path collectorConfig;
    Path jaegerConfig;
    Path prometheusConfig;
    String prometheusBin = "prometheus";
    Duration duration = Duration.ZERO;
    boolean forever = true;
    String timeline = "normal";
    double rate = 40;
    Duration interval = Duration.ofSeconds(2);
    String window = "30s";
    boolean tty = System.console() != null;
    int columns = envInt("COLUMNS");
    int rows = envInt("LINES");
    boolean help;
    /** One service, the quickstart application, instead of the three of the stack. */
    boolean quickstart;

    List<String> serviceNames() {
      return quickstart ? List.of("quickstart") : List.of("worker", "intake", "loadgen");
    }

    boolean pipeline() {
      return otelcol != null;
    }

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String inline = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          inline = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        switch (a) {
          case "--repo" -> o.repo = Paths.get(value(args, ++i, a, inline));
          case "--agent" -> o.agent = Paths.get(value(args, ++i, a, inline));
          case "--extension" -> o.extension = Paths.get(value(args, ++i, a, inline));
          case "--out" -> o.out = Paths.get(value(args, ++i, a, inline));
          case "--prometheus" -> o.prometheusBin = value(args, ++i, a, inline);
          case "--otelcol" -> o.otelcol = Paths.get(value(args, ++i, a, inline));
          case "--jaeger" -> o.jaeger = Paths.get(value(args, ++i, a, inline));
          case "--duration", "-d" -> {
            o.duration = positive(value(args, ++i, a, inline), a);
            o.forever = false;
          }
          case "--forever" -> o.forever = true;
          case "--quickstart" -> o.quickstart = true;
          case "--timeline" -> o.timeline = value(args, ++i, a, inline);
          case "--rate" -> o.rate = Double.parseDouble(value(args, ++i, a, inline));
          case "--interval" -> o.interval = positive(value(args, ++i, a, inline), a);
          case "--window" -> o.window = positive(value(args, ++i, a, inline), a).toSeconds() + "s";
          case "--plain" -> o.tty = false;
          case "--tty" -> o.tty = true;
          case "--help", "-h" -> o.help = true;
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
        if (inline != null) {
          i--; // the value was part of this argument
        }
      }
      if (o.help) {
        return o;
      }
      if (o.repo == null) {
        throw new IllegalArgumentException("--repo is required");
      }
      if (o.quickstart) {
        o.timeline = "quickstart"; // its waits come from the application itself, no switches
      }
      Timeline.named(o.timeline); // validates the name
      o.servicesDir = o.repo.resolve("demo-services");
      o.template = o.repo.resolve("prometheus/prometheus-local.yml.tmpl");
      o.rulesDir = o.repo.resolve("prometheus/rules");
      o.collectorConfig = o.repo.resolve("collector-config/otel-collector.yaml");
      o.jaegerConfig = o.repo.resolve("collector-config/jaeger.yaml");
      o.prometheusConfig = o.repo.resolve("prometheus/prometheus.yml");
      if ((o.otelcol == null) != (o.jaeger == null)) {
        throw new IllegalArgumentException("--otelcol and --jaeger go together");
      }
      if (o.agent == null) {
        o.agent = o.repo.resolve("demo-services/local/target/agent/opentelemetry-javaagent.jar");
      }
      if (o.extension == null) {
        o.extension = extensionJar(o.repo.resolve("extension/javaagent/target"));
      }
      if (o.out == null) {
        o.out = o.repo.resolve("demo-out/local");
      }
      if (o.interval.toMillis() < 500) {
        o.interval = Duration.ofMillis(500);
      }
      return o;
    }

    private static Path extensionJar(Path dir) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "blocked-time-extension-*.jar")) {
        for (Path p : s) {
          return p;
        }
      } catch (IOException e) {
        // reported as "not found" below
      }
      return dir.resolve("blocked-time-extension-<version>.jar");
    }

    private static String value(String[] args, int i, String name, String inline) {
      if (inline != null) {
        return inline;
      }
      if (i >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      return args[i];
    }

    private static Duration positive(String v, String name) {
      Duration d = Settings.parseDuration(v);
      if (d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + v);
      }
      return d;
    }

    private static int envInt(String name) {
      try {
        return Integer.parseInt(System.getenv().getOrDefault(name, "0").trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }
}
