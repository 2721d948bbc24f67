package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.GaugeSample;
import dev.blockedtime.e2e.harness.HistogramPoint;
import dev.blockedtime.e2e.harness.LogRecordData;
import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.DeadlockScenario;
import dev.blockedtime.e2e.scenarios.MonitorScenario;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code synchronized} contention from JFR, and deadlock cycles of locks and of monitors. */
class MonitorAndDeadlockTest {
  static final String DURATION = "jvm.lock.blocked.duration";
  static final String DEADLOCK_THREADS = "jvm.deadlock.threads";
  static final String MONITOR_SCENARIO = MonitorScenario.class.getName();
  static final String LEDGER = MONITOR_SCENARIO + "$Ledger";
  static final String TALLY = MONITOR_SCENARIO + "$Tally";
  static final String DEADLOCK_SCENARIO = DeadlockScenario.class.getName();
  static final String INTERVAL = "otel.instrumentation.blocked-time.deadlock-detection-interval";

  static List<HistogramPoint> monitorPoints(OtlpReceiver receiver) {
    return receiver.latestHistograms(DURATION).values().stream()
        .filter(p -> "monitor".equals(p.attributes().get("jvm.lock.type")))
        .collect(Collectors.toList());
  }

  static List<HistogramPoint> monitorPoints(OtlpReceiver receiver, String monitorClass) {
    return monitorPoints(receiver).stream()
        .filter(p -> monitorClass.equals(p.attributes().get("jvm.lock.name")))
        .collect(Collectors.toList());
  }

  @Test
  void aContendedSynchronizedBlockIsOneMonitorWaitAndAnUncontendedOneNothing() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm = ScenarioJvm.builder(MonitorScenario.class).receiver(receiver).start()) {
      jvm.awaitLine("CONTENDED", Duration.ofSeconds(60));
      // JFR hands its events over about once a second, after the wait: wait while the JVM lives
      receiver.awaitUntil(
          "a monitor wait on the Ledger",
          () -> !monitorPoints(receiver, LEDGER).isEmpty(),
          Duration.ofSeconds(20));
      jvm.sendLine("EXIT");
      assertThat(jvm.waitFor(Duration.ofSeconds(30))).as(jvm.output()).isZero();
      assertThat(jvm.output())
          .contains("THREAD blocked-time-jfr daemon=true", "THREAD blocked-time-deadlocks daemon=true", "DONE")
          .doesNotContain("[blocked-time] WARN");

      List<HistogramPoint> ledger = monitorPoints(receiver, LEDGER);
      assertThat(ledger).hasSize(1);
      HistogramPoint p = ledger.get(0);
      assertThat(p.count()).isEqualTo(1);
      assertThat(p.sum()).isBetween(0.1, 2.0); // the holder keeps it 200 ms once main is waiting
      assertThat(p.attributes())
          .containsEntry("jvm.lock.type", "monitor")
          .containsEntry("jvm.lock.operation", "monitor_enter")
          .containsEntry("jvm.lock.mode", "exclusive")
          .containsEntry("jvm.blocked.outcome", "ok")
          .containsKey("code.stacktrace.hash")
          .hasSize(6);
      assertThat(receiver.metric(DURATION).orElseThrow().unit()).isEqualTo("s");

      // the stack: top frame first, the method that entered the monitor, hashed like every stack
      String hash = (String) p.attributes().get("code.stacktrace.hash");
      List<LogRecordData> stacks =
          receiver.logEvents("jvm.blocked.stack").stream()
              .filter(l -> hash.equals(l.attributes().get("code.stacktrace.hash")))
              .collect(Collectors.toList());
      assertThat(stacks).hasSize(1);
      assertThat(stacks.get(0).attributes())
          .containsEntry("jvm.blocked.kind", "lock")
          .containsEntry("jvm.lock.name", LEDGER)
          .containsEntry("jvm.lock.type", "monitor");
      String stack = (String) stacks.get(0).attributes().get("code.stacktrace");
      List<String> frames = List.of(stack.split("\n"));
      assertThat(frames).hasSizeLessThanOrEqualTo(8);
      assertThat(frames.get(0)).startsWith(MONITOR_SCENARIO + ".contended:");
      assertThat(frames.get(1)).startsWith(MONITOR_SCENARIO + ".main:");
      assertThat(fnv1a64(stack)).isEqualTo(hash);

      // nothing for the uncontended monitor, nothing of the agent's or ours
      assertThat(monitorPoints(receiver, TALLY)).isEmpty();
      assertThat(monitorPoints(receiver))
          .extracting(h -> (String) h.attributes().get("jvm.lock.name"))
          .noneMatch(n -> n.startsWith("io.opentelemetry.") || n.startsWith("dev.blockedtime.javaagent.")
              || n.startsWith("dev.blockedtime.bootstrap."));
    }
  }

  @Test
  void aDeadlockOfTwoReentrantLocksIsReportedOnceByTheLocksNames() {
    Map<String, Object> record = deadlock("locks");
    String first = DEADLOCK_SCENARIO + ".newFirstLock:";
    String second = DEADLOCK_SCENARIO + ".newSecondLock:";
    List<String> waitingOn = strings(record, "jvm.deadlock.thread.waiting_on");
    // deadlock-a holds the first lock and waits for the second; deadlock-b the other way round
    assertThat(waitingOn).hasSize(2);
    assertThat(waitingOn.get(0)).startsWith(second);
    assertThat(waitingOn.get(1)).startsWith(first);
    assertThat(strings(record, "jvm.deadlock.thread.holding"))
        .containsExactly(waitingOn.get(1), waitingOn.get(0));
    assertThat(strings(record, "jvm.deadlock.thread.waiting_on_type"))
        .containsExactly("ReentrantLock", "ReentrantLock");
    assertThat(strings(record, "jvm.deadlock.thread.waiting_on_instance"))
        .allSatisfy(i -> assertThat(i).matches("java\\.util\\.concurrent\\.locks\\.ReentrantLock\\$NonfairSync@[0-9a-f]+"))
        .doesNotHaveDuplicates();
    assertThat(strings(record, "jvm.deadlock.thread.stacks"))
        .allSatisfy(s -> assertThat(s).contains(DEADLOCK_SCENARIO + ".lambda$lockCycle$"));
  }

  @Test
  void aDeadlockOfTwoMonitorsIsReportedOnceByTheMonitorsClasses() {
    Map<String, Object> record = deadlock("monitors");
    String left = DEADLOCK_SCENARIO + "$LeftMonitor";
    String right = DEADLOCK_SCENARIO + "$RightMonitor";
    assertThat(strings(record, "jvm.deadlock.thread.waiting_on")).containsExactly(right, left);
    assertThat(strings(record, "jvm.deadlock.thread.holding")).containsExactly(left, right);
    assertThat(strings(record, "jvm.deadlock.thread.waiting_on_type")).containsExactly("monitor", "monitor");
    List<String> instances = strings(record, "jvm.deadlock.thread.waiting_on_instance");
    assertThat(instances.get(0)).matches(java.util.regex.Pattern.quote(right) + "@[0-9a-f]+");
    assertThat(instances.get(1)).matches(java.util.regex.Pattern.quote(left) + "@[0-9a-f]+");
    assertThat(strings(record, "jvm.deadlock.thread.stacks"))
        .allSatisfy(s -> assertThat(s.split("\n")[0]).startsWith(DEADLOCK_SCENARIO + ".lambda$monitorCycle$"));
  }

  /**
   * Runs {@link DeadlockScenario} with {@code kind}, checks what every deadlock has in common and
   * returns the attributes of its one {@code jvm.deadlock} record.
   */
  Map<String, Object> deadlock(String kind) {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(DeadlockScenario.class)
                .name("DeadlockScenario-" + kind)
                .receiver(receiver)
                .systemProperty(INTERVAL, "500ms")
                .args(kind)
                .start()) {
      // no deadlock yet: the gauge says 0 rather than nothing
      receiver.awaitUntil(
          "jvm.deadlock.threads = 0 before the deadlock",
          () -> receiver.gaugeSamples(DEADLOCK_THREADS).stream().anyMatch(s -> s.longValue() == 0),
          Duration.ofSeconds(30));
      jvm.sendLine("GO");
      jvm.awaitLine("DEADLOCKED", Duration.ofSeconds(30));
      receiver.awaitUntil(
          "jvm.deadlock.threads = 2 and a jvm.deadlock record",
          () -> receiver.gaugeSamples(DEADLOCK_THREADS).stream().anyMatch(s -> s.longValue() == 2)
              && !receiver.logEvents("jvm.deadlock").isEmpty(),
          Duration.ofSeconds(20));
      assertThat(jvm.isAlive()).isTrue();
      pause(Duration.ofSeconds(2)); // four more checks find the same cycle
      assertThat(receiver.gaugeSamples(DEADLOCK_THREADS).get(receiver.gaugeSamples(DEADLOCK_THREADS).size() - 1).longValue())
          .isEqualTo(2);
      // the names are the metrics' names: the waiting threads' series in the in-progress gauges
      List<GaugeSample> waiting = receiver.gaugeSamples("jvm.lock.blocked.threads");

      jvm.sendLine("EXIT");
      assertThat(jvm.waitFor(Duration.ofSeconds(30))).as(jvm.output()).isZero();
      assertThat(jvm.output()).contains("DONE").doesNotContain("[blocked-time] WARN");

      assertThat(receiver.metric(DEADLOCK_THREADS).orElseThrow().unit()).isEqualTo("{thread}");
      assertThat(receiver.gaugeSamples(DEADLOCK_THREADS))
          .allSatisfy(s -> assertThat(s.attributes()).isEmpty())
          .extracting(GaugeSample::longValue)
          .containsOnly(0L, 2L);
      List<LogRecordData> records = receiver.logEvents("jvm.deadlock");
      assertThat(records).hasSize(1);
      LogRecordData record = records.get(0);
      assertThat(record.severityNumber()).isEqualTo(17); // ERROR
      assertThat(record.scopeName()).isEqualTo("blocked-time");
      Map<String, Object> a = record.attributes();
      assertThat(strings(a, "jvm.deadlock.thread.names")).containsExactly("deadlock-a", "deadlock-b");
      assertThat((List<?>) a.get("jvm.deadlock.thread.ids")).hasSize(2).allSatisfy(id -> assertThat(id).isInstanceOf(Long.class));
      assertThat(strings(a, "jvm.deadlock.thread.stacks"))
          .hasSize(2)
          .allSatisfy(s -> assertThat(s.split("\n")).hasSizeBetween(2, 16));
      assertThat(record.body())
          .startsWith("deadlock of 2 threads:")
          .contains("\"deadlock-a\"", "\"deadlock-b\"")
          .contains(strings(a, "jvm.deadlock.thread.waiting_on").toArray(String[]::new));
      if (kind.equals("locks")) {
        for (String name : strings(a, "jvm.deadlock.thread.waiting_on")) {
          assertThat(waiting)
              .as("a jvm.lock.blocked.threads series named %s", name)
              .anySatisfy(s -> assertThat(s.attributes())
                  .containsEntry("jvm.lock.name", name)
                  .containsEntry("jvm.lock.type", "ReentrantLock"));
        }
      }
      return a;
    }
  }

  @Test
  void switchedOffNeitherPartRunsNorRecords() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm =
            ScenarioJvm.builder(MonitorScenario.class)
                .receiver(receiver)
                .systemProperty("otel.instrumentation.blocked-time.monitors.enabled", "false")
                .systemProperty("otel.instrumentation.blocked-time.deadlocks.enabled", "false")
                // on JDK 21+ pinned virtual threads also come from the JFR stream
                .systemProperty("otel.instrumentation.blocked-time.virtual-threads.enabled", "false")
                .args("off")
                .start()) {
      jvm.awaitLine("CONTENDED", Duration.ofSeconds(60));
      pause(Duration.ofSeconds(2));
      jvm.sendLine("EXIT");
      assertThat(jvm.waitFor(Duration.ofSeconds(30))).as(jvm.output()).isZero();
      assertThat(jvm.output())
          .contains("JFR recordings 0")
          .doesNotContain("THREAD blocked-time-jfr", "THREAD blocked-time-deadlocks");
      assertThat(monitorPoints(receiver)).isEmpty();
      assertThat(receiver.metric(DEADLOCK_THREADS)).isEmpty();
    }
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Map<String, Object> attributes, String key) {
    assertThat(attributes).containsKey(key);
    return (List<String>) attributes.get(key);
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The contract's stack hash: FNV-1a, 64 bits, over the UTF-8 text, 16 hex digits. */
  static String fnv1a64(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return String.format("%016x", h);
  }
}
