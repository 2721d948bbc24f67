package dev.blockedtime.demo.quickstart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart demo: starts {@link QuickstartApp} in a child JVM under the OpenTelemetry Java
 * agent with the blocked-time extension, and shows in the terminal, live, what the extension
 * records: where the threads wait, on what, and since when.
 *
 * <p>Sources, all from the child's own exporters (no collector, no Docker): the agent's Prometheus
 * endpoint (scraped every two seconds) for the wait histograms and in-progress gauges; the {@code
 * logging} log exporter's {@code jvm.blocked.stack} records for the code path behind each stack
 * hash; the {@code logging-otlp} span exporter for the span events.
 *
 * <p>Usage: {@code DemoRunner --agent <opentelemetry-javaagent.jar> --extension <extension.jar>
 * [--duration 40s | --forever] [--interval 2s] [--plain | --tty] [--port N] [--log <file>]}.
 * Without {@code --plain}/{@code --tty} the view redraws in place when a console is attached and
 * prints plain snapshots (every 10 s) otherwise. At the end the child is stopped (it flushes its
 * telemetry on the way out), a final summary is printed and the exit status is 0.
 */
public final class DemoRunner {
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration PLAIN_SNAPSHOT_EVERY = Duration.ofSeconds(10);
  private static final Duration NO_WAITS_HINT_AFTER = Duration.ofSeconds(20);

  private final Options options;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Object screen = new Object();
  private volatile boolean done;
  private volatile boolean signalled;
  private Process child;
  private ChildTelemetry telemetry;
  private final List<Thread> readers = new ArrayList<>();
  private String metricsUrl;
  private WaitSnapshot last;
  private WaitSnapshot beforeLast;
  private int scrapes;
  private long startNanos;
  private long upNanos;
  private long endNanos;

  private DemoRunner(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    if (o.help) {
      OUT.println(Options.USAGE);
      return;
    }
    System.exit(new DemoRunner(o).run());
  }

  private int run() throws Exception {
    for (Path p : List.of(options.agent, options.extension)) {
      if (!Files.isRegularFile(p)) {
        System.err.println("demo: not found: " + p + " (build first: ./demo.sh does)");
        return 2;
      }
    }
    int port = options.port > 0 ? options.port : freePort();
    metricsUrl = "http://127.0.0.1:" + port + "/metrics";
    Files.createDirectories(options.log.toAbsolutePath().getParent());
    Writer logWriter = Files.newBufferedWriter(options.log, StandardCharsets.UTF_8);
    telemetry = new ChildTelemetry(logWriter);

    child = startChild(port);
    startNanos = System.nanoTime();
    readers.add(pump(child.getInputStream(), false, "app-stdout"));
    readers.add(pump(child.getErrorStream(), true, "app-stderr"));
    Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "demo-shutdown"));

    if (options.tty) {
      OUT.print("\033[?1049h\033[?25l"); // the alternate screen, cursor hidden, while redrawing
    }
    // The duration counts from the moment the application is up (its metrics endpoint answers):
    // the agent's start-up, a few seconds, comes on top.
    long deadline = startNanos + STARTUP_TIMEOUT.toNanos();
    long nextPlainSnapshot = 0;
    boolean reportedStartup = false;
    while (!done && System.nanoTime() < deadline) {
      long tick = System.nanoTime();
      if (!child.isAlive()) {
        return signalled ? 0 : childDied();
      }
      scrape();
      if (last != null && upNanos == 0) {
        upNanos = System.nanoTime();
        deadline = options.forever ? Long.MAX_VALUE : upNanos + options.duration.toNanos();
        nextPlainSnapshot = upNanos + PLAIN_SNAPSHOT_EVERY.toNanos();
      }
      if (last == null && elapsed().compareTo(STARTUP_TIMEOUT) > 0) {
        System.err.println("demo: the metrics endpoint " + metricsUrl + " did not come up within " + STARTUP_TIMEOUT.toSeconds() + " s");
        stopChild();
        return childDied();
      }
      if (options.tty) {
        draw(render(false), true);
      } else if (last != null && !reportedStartup) {
        reportedStartup = true;
        OUT.printf(
            Locale.ROOT,
            "[%s] application is up after %d s of agent start-up; metrics at %s; a snapshot every %d s%n",
            clock(),
            Duration.ofNanos(upNanos - startNanos).toSeconds(),
            metricsUrl,
            PLAIN_SNAPSHOT_EVERY.toSeconds());
      } else if (last != null && System.nanoTime() >= nextPlainSnapshot && deadline - System.nanoTime() > 5_000_000_000L) {
        nextPlainSnapshot = System.nanoTime() + PLAIN_SNAPSHOT_EVERY.toNanos();
        printPlain(render(false));
      }
      long sleepNanos = Math.min(deadline, tick + options.interval.toNanos()) - System.nanoTime();
      if (sleepNanos > 0) {
        TimeUnit.NANOSECONDS.sleep(sleepNanos);
      }
    }
    if (done) {
      return 0; // a signal arrived; the shutdown hook prints the summary
    }
    finish(false);
    return 0;
  }

  /** The final steps, once: stop the child so it flushes, then print the summary. */
  private void finish(boolean interrupted) {
    synchronized (screen) {
      if (done && !interrupted) {
        return;
      }
      done = true;
      if (child.isAlive()) {
        scrape(); // last look at the gauges before the endpoint goes away
      }
      endNanos = System.nanoTime();
      stopChild();
      List<String> summary = render(true);
      if (interrupted) {
        summary.add(0, "(interrupted)");
      }
      if (options.tty) {
        OUT.print("\033[?1049l\033[?25h"); // back to the normal screen, where the summary stays
      } else {
        OUT.println();
      }
      summary.forEach(OUT::println);
      OUT.flush();
    }
  }

  /** Ctrl-C or a kill: the child (same process group) stops on its own; summarize what we have. */
  private void onSignal() {
    signalled = true;
    synchronized (screen) {
      if (!done) {
        finish(true);
      }
    }
  }

  private Process startChild(int port) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-javaagent:" + options.agent.toAbsolutePath());
    cmd.add("-Dotel.javaagent.extensions=" + options.extension.toAbsolutePath());
    cmd.add("-Dotel.service.name=quickstart");
    cmd.add("-Dotel.metrics.exporter=prometheus");
    cmd.add("-Dotel.exporter.prometheus.host=127.0.0.1");
    cmd.add("-Dotel.exporter.prometheus.port=" + port);
    cmd.add("-Dotel.metric.export.interval=1000");
    // The plain "logging" span exporter prints no span events; its OTLP JSON sibling does.
    cmd.add("-Dotel.traces.exporter=logging-otlp");
    cmd.add("-Dotel.bsp.schedule.delay=1000");
    cmd.add("-Dotel.logs.exporter=logging");
    cmd.add("-Dotel.instrumentation.blocked-time.names=" + QuickstartApp.ORDERS_ALIAS);
    cmd.add("-Dquickstart.parent.pid=" + ProcessHandle.current().pid());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(QuickstartApp.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  private Thread pump(InputStream in, boolean stderr, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  telemetry.accept(line, stderr);
                }
              } catch (IOException ignored) {
                // the child is gone
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void scrape() {
    try {
      HttpResponse<String> resp =
          http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(8)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200) {
        return;
      }
      WaitSnapshot s = WaitSnapshot.of(PrometheusText.parse(resp.body()), System.nanoTime()).settle();
      scrapes++;
      beforeLast = last;
      last = s;
    } catch (IOException e) {
      // not up yet, or going away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopChild() {
    if (child == null) {
      return;
    }
    child.destroy(); // SIGTERM: the agent's shutdown hook flushes spans and log records
    try {
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      for (Thread r : readers) {
        r.join(5000); // the output the child printed on its way out
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int childDied() {
    if (options.tty) {
      OUT.print("\033[?1049l\033[?25h");
    }
    done = true;
    for (Thread r : readers) {
      try {
        r.join(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    System.err.println("demo: the application stopped unexpectedly" + (child.isAlive() ? "" : " (exit status " + child.exitValue() + ")") + "; its last output:");
    telemetry.lastLines().forEach(l -> System.err.println("  " + l));
    System.err.println("demo: full output in " + displayPath(options.log));
    return 1;
  }

  private List<String> render(boolean summary) {
    long up = upNanos == 0 ? 0 : Duration.ofNanos((endNanos != 0 ? endNanos : System.nanoTime()) - upNanos).toSeconds();
    String header =
        summary
            ? String.format(Locale.ROOT, "blocked-time quickstart: summary after %d s of the application running", up)
            : "blocked-time quickstart: where are my threads waiting, on what, since when";
    String progress =
        upNanos == 0
            ? String.format(Locale.ROOT, "starting (%d s)", elapsed().toSeconds())
            : summary ? "stopped" : options.forever ? up + " s, until Ctrl-C" : String.format(Locale.ROOT, "%d s of %d s", up, options.duration.toSeconds());
    String status =
        String.format(
            Locale.ROOT,
            "QuickstartApp pid %d · %s · %d scrapes of %s",
            child.pid(),
            progress,
            scrapes,
            metricsUrl);
    ConsoleView view = new ConsoleView(options.tty);
    ConsoleView.State state =
        new ConsoleView.State(
            last,
            beforeLast,
            telemetry,
            header,
            status,
            metricsUrl,
            displayPath(options.log),
            QuickstartApp.ORDERS_ALIAS,
            noWaitsHint(),
            summary,
            0);
    List<String> lines = view.render(state);
    // On a terminal, draw the live view tighter until it fits the screen.
    for (int level = 1; options.tty && !summary && lines.size() > rows() - 1 && level <= 3; level++) {
      lines = view.render(state.withCompact(level));
    }
    return lines;
  }

  private int rows() {
    return options.rows > 0 ? options.rows : 50;
  }

  /** Said when the endpoint has been up a while and still shows no waits at all. */
  private String noWaitsHint() {
    if (upNanos == 0 || System.nanoTime() - upNanos < NO_WAITS_HINT_AFTER.toNanos()) {
      return null;
    }
    return "none after " + NO_WAITS_HINT_AFTER.toSeconds() + " s: is the extension loaded? See the app's output in " + displayPath(options.log);
  }

  /** Redraws in place: home, each line cleared to its end, then the rest of the screen cleared. */
  private void draw(List<String> lines, boolean fitScreen) {
    synchronized (screen) {
      if (done) {
        return;
      }
      int rows = rows();
      List<String> visible = lines;
      if (fitScreen && lines.size() > rows - 1) {
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
    int width = options.columns > 0 ? options.columns : 160;
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
      if (done) {
        return;
      }
      OUT.println();
      OUT.println("---- snapshot " + clock() + " ----");
      lines.forEach(OUT::println);
    }
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private String clock() {
    return String.format(Locale.ROOT, "t+%ds", elapsed().toSeconds());
  }

  /** The path relative to the working directory when that is shorter, as a person would type it. */
  private static String displayPath(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      String rel = Paths.get("").toAbsolutePath().relativize(abs).toString();
      return rel.length() < abs.toString().length() ? rel : abs.toString();
    } catch (IllegalArgumentException e) {
      return abs.toString();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static final class Options {
    static final String USAGE =
        "usage: DemoRunner --agent <opentelemetry-javaagent.jar> --extension <blocked-time-extension.jar>\n"
            + "                  [--duration 40s | --forever] [--interval 2s] [--plain | --tty] [--port N] [--log FILE]\n"
            + "  --duration D   how long to watch the application once it is up (default 40s; forms: 500ms, 20s, 2m, 90)\n"
            + "  --forever      run until Ctrl-C\n"
            + "  --interval D   how often to scrape and redraw (default 2s)\n"
            + "  --plain        print plain snapshots instead of redrawing (default when no console is attached)\n"
            + "  --tty          redraw in place even if no console was detected\n"
            + "  --port N       the application's Prometheus port (default: a free one)\n"
            + "  --log FILE     where the application's output goes (default target/quickstart-app.log)";

    Path agent;
    Path extension;
    Duration duration = Duration.ofSeconds(40);
    boolean forever;
    Duration interval = Duration.ofSeconds(2);
    boolean tty = System.console() != null;
    int port;
    Path log = Paths.get("target", "quickstart-app.log");
    int columns = envInt("COLUMNS");
    int rows = envInt("LINES");
    boolean help;

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
          case "--agent" -> o.agent = Paths.get(value(args, ++i, a, inline));
          case "--extension" -> o.extension = Paths.get(value(args, ++i, a, inline));
          case "--duration", "-d" -> o.duration = duration(value(args, ++i, a, inline), a);
          case "--forever" -> o.forever = true;
          case "--interval" -> o.interval = duration(value(args, ++i, a, inline), a);
          case "--plain" -> o.tty = false;
          case "--tty" -> o.tty = true;
          case "--port" -> o.port = Integer.parseInt(value(args, ++i, a, inline));
          case "--log" -> o.log = Paths.get(value(args, ++i, a, inline));
          case "--help", "-h" -> o.help = true;
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
        if (inline != null) {
          i--; // the value was part of this argument
        }
      }
      if (!o.help && (o.agent == null || o.extension == null)) {
        throw new IllegalArgumentException("--agent and --extension are required");
      }
      if (o.interval.toMillis() < 200) {
        o.interval = Duration.ofMillis(200);
      }
      return o;
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

    private static Duration duration(String v, String name) {
      try {
        Duration d = QuickstartApp.parseDuration(v);
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException(name + " must be positive: " + v);
        }
        return d;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": not a duration: " + v + " (forms: 500ms, 20s, 2m, 90)");
      }
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
