package dev.blockedtime.demo.quickstart;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.util.Optional;

/**
 * A small order-processing service whose threads wait in {@code java.util.concurrent} queues the
 * way real services do. Run under the OpenTelemetry Java agent with the blocked-time extension, it
 * produces every kind of queue wait the extension records:
 *
 * <ul>
 *   <li>{@link OrderDesk}: an intake thread puts orders into a bounded {@code ArrayBlockingQueue}
 *       (50 slots) faster than three slow workers take them, in rushes: the producer backs up
 *       ({@code put}, state {@code full}) and between rushes the workers idle ({@code take}, state
 *       {@code empty}). The queue is created in {@link OrderDesk#newOrderQueue()}, which the demo
 *       aliases to {@code orders} with {@code otel.instrumentation.blocked-time.names}.
 *   <li>{@link PaymentService}: a {@code ThreadPoolExecutor} whose idle workers wait on its {@code
 *       LinkedBlockingQueue} ({@code take}, {@code empty}); named by its allocation site.
 *   <li>{@link StockHandoff}: a {@code SynchronousQueue} between a stock reserver and a warehouse
 *       picker, each waiting for the other in turn.
 *   <li>{@link Notifier}: a sender polling its outbox with {@code poll(50 ms)}, which times out
 *       (outcome {@code timeout}) whenever no order finished lately.
 * </ul>
 *
 * <p>The rushes and stock reservations run inside spans of the OpenTelemetry API (scope {@code
 * quickstart}), so their waits also appear as {@code jvm.queue.blocked} span events. The program
 * prints nothing itself: what it does is visible only through telemetry.
 *
 * <p>Arguments: an optional run time ({@code 30s}, {@code 2m}); without one it runs until stopped.
 * With {@code -Ddemo.parent.pid=<pid>} it also stops when that process is gone, so a runner
 * that dies never leaves it behind.
 */
public final class QuickstartApp {
  /** The alias the demo gives the order queue: {@code <allocation-site pattern>=orders}. */
  public static final String ORDERS_ALIAS =
      OrderDesk.class.getName() + ".newOrderQueue:*=orders";

  private QuickstartApp() {}

  public static void main(String[] args) throws InterruptedException {
    Optional<Duration> runFor = args.length > 0 ? Optional.of(parseDuration(args[0])) : Optional.empty();
    watchParent();

    Tracer tracer = GlobalOpenTelemetry.getTracer("quickstart");
    Notifier notifier = new Notifier();
    PaymentService payments = new PaymentService(4);
    OrderDesk desk = new OrderDesk(tracer, payments, notifier, 3);
    StockHandoff stock = new StockHandoff(tracer);

    notifier.start();
    desk.start();
    stock.start();

    if (runFor.isPresent()) {
      Thread.sleep(runFor.get().toMillis());
      System.exit(0);
    }
    while (true) {
      Thread.sleep(60_000); // until the JVM is stopped (a sleep is not a wait on a resource)
    }
  }

  /** Background threads of the demo: daemons, so a stop signal ends the JVM at once. */
  static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void watchParent() {
    String pid = System.getProperty("demo.parent.pid");
    if (pid == null || pid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid.trim()));
    daemon(
            "parent-watch",
            () -> {
              while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                pause(1000);
              }
              System.exit(0);
            })
        .start();
  }

  static Duration parseDuration(String s) {
    String v = s.trim().toLowerCase(java.util.Locale.ROOT);
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    if (v.endsWith("s")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
    }
    if (v.endsWith("m")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
  }
}
