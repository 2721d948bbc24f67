package dev.blockedtime.demo.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local demo's readers and formatting, against output in the shapes the agent 2.33.1 prints. */
class ViewPartsTest {
  @Test
  void readsStackRecordsAndFindsTheDeadlockReport(@TempDir Path dir) throws Exception {
    ServiceLog log = new ServiceLog(dir.resolve("worker.log"));
    for (String line :
        List.of(
            "[worker] gRPC server listening on /127.0.0.1:15051",
            "2026-11-22T03:45:06.553Z INFO [eventName: jvm.blocked.stack] 'stack f06b5c563e7cdeab first seen waiting on ReentrantLock inventory' : 4b7e a84d [scopeInfo: blocked-time:] {code.stacktrace=\"dev.blockedtime.demo.worker.Inventory.reserve:42",
            "dev.blockedtime.demo.worker.WorkerGrpcServer.lambda$new$0:40",
            "io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener.onHalfClose:182\", code.stacktrace.hash=\"f06b5c563e7cdeab\", jvm.blocked.kind=\"lock\", jvm.lock.name=\"inventory\", jvm.lock.type=\"ReentrantLock\"}",
            "2026-11-22T04:03:55.582Z ERROR [eventName: jvm.deadlock] 'deadlock of 2 threads:",
            "  \"reconcile-ledger-1\" (id 49) waits for ReentrantLock ..., held by \"reconcile-audit-1\"' : 0 0 [scopeInfo: blocked-time:] {jvm.deadlock.thread.names=[reconcile-ledger-1, reconcile-audit-1], jvm.deadlock.thread.stacks=[jdk.internal.misc.Unsafe.park:-2",
            "java.lang.Thread.run:840]}")) {
      log.accept(line);
    }
    log.close();
    ServiceLog.StackRecord rec = log.stack("f06b5c563e7cdeab");
    assertThat(rec).isNotNull();
    assertThat(rec.resource()).isEqualTo("inventory");
    assertThat(rec.frames()).hasSize(3).first().isEqualTo("dev.blockedtime.demo.worker.Inventory.reserve:42");
    assertThat(log.firstDeadlockLine()).isEqualTo(5);
    assertThat(log.deadlockRecords()).isEqualTo(1);
    assertThat(Files.readAllLines(dir.resolve("worker.log"))).hasSize(7);
    assertThat(TerminalView.firstFrames(rec.frames(), 2)).isEqualTo("worker.Inventory.reserve:42 ← worker.WorkerGrpcServer.lambda$new$0:40");
  }

  @Test
  void formatsDurationsAndLongNamesForAPerson() {
    assertThat(TerminalView.dur(0.000042)).isEqualTo("42 µs");
    assertThat(TerminalView.dur(0.25)).isEqualTo("250 ms");
    assertThat(TerminalView.dur(2.5)).isEqualTo("2.5 s");
    assertThat(TerminalView.dur(900)).isEqualTo("15 min");
    assertThat(TerminalView.dur(Double.NaN)).isEqualTo("-");
    // The end of an allocation site (its line) survives clipping.
    assertThat(TerminalView.clip("io.grpc.internal.SerializingExecutor.schedule:102", 24)).endsWith("schedule:102").hasSize(24);
    assertThat(TerminalView.shortName("dev.blockedtime.demo.worker.Reconciliation.start:23")).isEqualTo("worker.Reconciliation.start:23");
  }

  @Test
  void theFastTimelineTellsTheWholeStoryInUnderAMinute() {
    Timeline fast = Timeline.named("fast");
    assertThat(fast.steps()).extracting(Timeline.Step::title)
        .containsExactly("baseline", "backlog", "hot lock", "worker stopped", "worker restarted late", "deadlock");
    assertThat(fast.steps().get(fast.steps().size() - 1).at()).isLessThan(Duration.ofMinutes(1));
    assertThat(Timeline.named("normal").steps()).hasSameSizeAs(fast.steps());
    // Every scenario switched on is switched off again, except the deadlock, which cannot be.
    List<Timeline.Switch> all = fast.steps().stream().flatMap(s -> s.switches().stream()).toList();
    for (Timeline.Switch on : all.stream().filter(Timeline.Switch::on).toList()) {
      if (!on.scenario().equals("deadlock")) {
        assertThat(all).contains(new Timeline.Switch(on.service(), on.scenario(), false));
      }
    }
  }

  @Test
  void optionsFindEverythingFromTheRepositoryRoot() {
    LocalDemo.Options o = LocalDemo.Options.parse(new String[] {"--repo", "/r", "--duration", "90s", "--timeline=fast", "--plain"});
    assertThat(o.duration).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.forever).isFalse();
    assertThat(o.timeline).isEqualTo("fast");
    assertThat(o.tty).isFalse();
    assertThat(o.agent).isEqualTo(Path.of("/r/demo-services/local/target/agent/opentelemetry-javaagent.jar"));
    assertThat(o.rulesDir).isEqualTo(Path.of("/r/prometheus/rules"));
    assertThat(o.out).isEqualTo(Path.of("/r/demo-out/local"));
  }
}
