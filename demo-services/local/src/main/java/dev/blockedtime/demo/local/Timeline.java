package dev.blockedtime.demo.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The story the local demo tells: scenario switches thrown one after another, each through the
 * service's admin endpoint ({@code POST /admin/scenario?name=...&on=...}), at fixed offsets from the
 * moment all three services are up. {@code normal} paces it for a person (about three minutes to
 * the deadlock); {@code fast} is the same story in under a minute, for the end-to-end test;
 * {@code off} switches nothing (drive the admin endpoints by hand).
 */
final class Timeline {
  record Switch(String service, String scenario, boolean on) {
    @Override
    public String toString() {
      return service + " " + scenario + (on ? " on" : " off");
    }
  }

  /** One step: what changes, and what a person should see happen. */
  record Step(Duration at, String title, String expect, List<Switch> switches) {}

  private final String name;
  private final List<Step> steps;
  private volatile long startNanos;
  private volatile int applied = -1; // index of the last step applied

  private Timeline(String name, List<Step> steps) {
    this.name = name;
    this.steps = steps;
  }

  static Timeline named(String name) {
    return switch (name) {
      case "normal" -> story(name, 30, 75, 120, 150, 180);
      case "fast" -> story(name, 5, 15, 25, 35, 42);
      case "off" -> new Timeline(name, List.of(new Step(Duration.ZERO, "steady load, no scenario (timeline off)", "switch scenarios with the admin endpoints below", List.of())));
      case "quickstart" -> new Timeline(name, List.of(new Step(Duration.ZERO, "the quickstart application", "rushes of orders fill the orders queue (put, full), idle workers wait (take, empty), a handoff, a timed poll", List.of())));
      default -> throw new IllegalArgumentException("--timeline: normal, fast or off, not " + name);
    };
  }

  private static Timeline story(String name, int backlog, int hotLock, int down, int restart, int deadlock) {
    return new Timeline(
        name,
        List.of(
            new Step(
                Duration.ZERO,
                "baseline",
                "loadgen → intake (HTTP) → order queue → 4 processors → worker (gRPC); idle consumers only",
                List.of()),
            new Step(
                Duration.ofSeconds(backlog),
                "backlog",
                "intake's processors slow down (150 ms audit write per order): the order queue fills, HTTP threads wait to put (state full)",
                List.of(new Switch("intake", "backlog", true))),
            new Step(
                Duration.ofSeconds(hotLock),
                "hot lock",
                "worker holds its inventory lock 30 ms per call: gRPC calls queue for the lock (jvm.lock.*), intake backs up behind them",
                List.of(new Switch("intake", "backlog", false), new Switch("worker", "hotlock", true))),
            new Step(
                Duration.ofSeconds(down),
                "worker stopped",
                "worker's gRPC server is down: intake's calls wait for the channel (wait-for-ready, 5 s deadline), the queue fills again",
                List.of(new Switch("worker", "hotlock", false), new Switch("worker", "down", true))),
            new Step(
                Duration.ofSeconds(restart),
                "worker restarted late",
                "worker serves again; the channel reconnects after its backoff and waiting calls go through (grpc.status OK)",
                List.of(new Switch("worker", "down", false))),
            new Step(
                Duration.ofSeconds(deadlock),
                "deadlock",
                "two reconciliation threads take the ledger and audit locks in opposite orders: a deadlock, jvm.deadlock.threads, BlockedTimeDeadlock",
                List.of(new Switch("worker", "deadlock", true)))));
  }

  String name() {
    return name;
  }

  List<Step> steps() {
    return steps;
  }

  /** Applies the steps on a daemon thread, from now; {@code announce} hears each step and any error. */
  void start(Map<String, URI> adminByService, Consumer<String> announce) {
    startNanos = System.nanoTime();
    Thread t =
        new Thread(
            () -> {
              HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
              for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                long wait = startNanos + step.at().toNanos() - System.nanoTime();
                try {
                  if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                  }
                } catch (InterruptedException e) {
                  return;
                }
                for (Switch s : step.switches()) {
                  String error = apply(http, adminByService.get(s.service()), s);
                  if (error != null) {
                    announce.accept("could not switch " + s + ": " + error);
                  }
                }
                applied = i;
                announce.accept(
                    "step " + (i + 1) + "/" + steps.size() + ": " + step.title()
                        + (step.switches().isEmpty() ? "" : " (" + step.switches().stream().map(Switch::toString).collect(Collectors.joining(", ")) + ")"));
              }
            },
            "timeline");
    t.setDaemon(true);
    t.start();
  }

  private static String apply(HttpClient http, URI admin, Switch s) {
    if (admin == null) {
      return "no admin endpoint for " + s.service();
    }
    URI uri = admin.resolve("/admin/scenario?name=" + s.scenario() + "&on=" + s.on());
    try {
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? null : "HTTP " + r.statusCode() + " " + r.body().strip();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The step in effect now, or null before the start. */
  Step current() {
    int i = applied;
    return i < 0 ? null : steps.get(i);
  }

  /** The next step, or null when the story is told. */
  Step next() {
    int i = applied + 1;
    return i < steps.size() ? steps.get(i) : null;
  }

  Duration elapsed() {
    return startNanos == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Offset of a step from the start; with {@link #elapsed()}, how long until it. */
  Duration until(Step step) {
    Duration d = step.at().minus(elapsed());
    return d.isNegative() ? Duration.ZERO : d;
  }
}
