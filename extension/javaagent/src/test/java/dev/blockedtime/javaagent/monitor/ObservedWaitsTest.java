package dev.blockedtime.javaagent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.bootstrap.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservedWaitsTest {
  private static final String THREAD = "java.lang.Thread";
  // jdk.JavaMonitorWait stacks as JFR gives them, top frame first (JDK 25: wait0 under wait)
  static final List<String> JOIN_25 =
      List.of(
          "java.lang.Object.wait0:-1",
          "java.lang.Object.wait:389",
          "java.lang.Thread.join:1887",
          "java.lang.Thread.join:1963",
          "com.acme.Fanout.collect:40",
          "com.acme.Fanout.main:12");
  static final List<String> JOIN_17 =
      List.of("java.lang.Object.wait:-1", "java.lang.Thread.join:1300", "com.acme.Fanout.collect:40");
  static final List<String> WAIT =
      List.of("java.lang.Object.wait:-1", "java.lang.Object.wait:338", "com.acme.Mailbox.take:21", "com.acme.App.main:5");
  // a monitor wait below application code that happens to be called from Thread.join's caller
  static final List<String> WAIT_IN_APP_JOIN =
      List.of("java.lang.Object.wait:-1", "com.acme.Thread.join:7", "java.lang.Thread.join:1300");

  @Test
  void aWaitOnAThreadUnderThreadJoinIsTheJoin() {
    assertThat(ObservedWaits.isJoin(JOIN_25, THREAD)).isTrue();
    assertThat(ObservedWaits.isJoin(JOIN_17, THREAD)).isTrue();
    assertThat(ObservedWaits.isJoin(WAIT, "com.acme.Mailbox")).isFalse();
    assertThat(ObservedWaits.isJoin(WAIT, THREAD)).isFalse();
    assertThat(ObservedWaits.isJoin(WAIT_IN_APP_JOIN, THREAD)).isFalse();
  }

  /** JDK 17 can lose an event's stack (and thread) across a chunk rotation. */
  @Test
  void aWaitWithoutAStackIsAJoinOnlyOnAThread() {
    assertThat(ObservedWaits.isJoin(List.of(), THREAD)).isTrue();
    assertThat(ObservedWaits.isJoin(List.of(), "java.lang.Object")).isFalse();
    assertThat(ObservedWaits.isJoin(List.of(), "com.acme.WorkerThread")).isFalse();
  }

  @Test
  void aWaitWhoseThreadJfrLostIsNotTheJdksUnlessItsMonitorIs() {
    assertThat(ObservedWaits.isJdkInternal(null, "com.acme.Mailbox")).isFalse();
    assertThat(ObservedWaits.isJdkInternal(null, "java.lang.ref.ReferenceQueue$Lock")).isTrue();
    assertThat(ObservedWaits.isJdkInternal("Finalizer", "java.lang.Object")).isTrue();
  }

  @Test
  void theStackStartsAtTheCallerOfWaitOrJoin() {
    assertThat(ObservedWaits.callerFrames(JOIN_25, 8))
        .containsExactly("com.acme.Fanout.collect:40", "com.acme.Fanout.main:12");
    assertThat(ObservedWaits.callerFrames(JOIN_17, 8)).containsExactly("com.acme.Fanout.collect:40");
    assertThat(ObservedWaits.callerFrames(WAIT, 1)).containsExactly("com.acme.Mailbox.take:21");
  }

  @Test
  void aPinnedStackStartsAtTheFirstApplicationFrame() {
    List<String> pinned =
        List.of(
            "java.lang.VirtualThread.parkOnCarrierThread:870",
            "java.lang.VirtualThread.parkNanos:830",
            "java.lang.Thread.sleep:507",
            "com.acme.Config.<clinit>:9",
            "com.acme.App.lambda$main$0:20");
    assertThat(ObservedWaits.applicationFrames(pinned, 8))
        .containsExactly("com.acme.Config.<clinit>:9", "com.acme.App.lambda$main$0:20");
  }

  @Test
  void thePinnedReasonIsTheJdksOrUnknown() {
    assertThat(ObservedWaits.pinnedReason("Native frame or <clinit> on stack"))
        .isEqualTo("Native frame or <clinit> on stack");
    // JDK 25 names the class: the reason keeps the kind of method, not the class
    assertThat(ObservedWaits.pinnedReason("VM call to com.acme.Config$Slow.<clinit> on stack"))
        .isEqualTo("VM call to <clinit> on stack");
    assertThat(ObservedWaits.pinnedReason("Native method com.acme.Jni.call on stack"))
        .isEqualTo("Native method method on stack");
    assertThat(ObservedWaits.pinnedReason(null)).isEqualTo("unknown");
    assertThat(ObservedWaits.pinnedReason(" ")).isEqualTo("unknown");
  }

  @Test
  void theJdksReferenceProcessingIsNotTheApplications() {
    assertThat(ObservedWaits.isJdkInternal("Common-Cleaner", "java.lang.ref.ReferenceQueue$Lock")).isTrue();
    assertThat(ObservedWaits.isJdkInternal("Finalizer", "java.lang.Object")).isTrue();
    assertThat(ObservedWaits.isJdkInternal("worker-1", "java.lang.ref.ReferenceQueue$Lock")).isTrue();
    assertThat(ObservedWaits.isJdkInternal("worker-1", "com.acme.Mailbox")).isFalse();
  }

  @Test
  void theStreamRunsForMonitorsOrPinnedThreadsAndAsksForWaitsForMonitorsOrJoins() {
    String p = Settings.PREFIX;
    Settings noMonitors = Settings.from(Map.of(p + "monitors.enabled", "false")::get);
    Settings nothing =
        Settings.from(Map.of(p + "monitors.enabled", "false", p + "virtual-threads.enabled", "false")::get);
    Settings noFutures = Settings.from(Map.of(p + "monitors.enabled", "false", p + "futures.enabled", "false")::get);
    boolean jdk21 = Runtime.version().feature() >= 21;

    assertThat(ObservedWaits.streamWanted(Settings.defaults())).isTrue();
    assertThat(ObservedWaits.streamWanted(noMonitors)).isEqualTo(jdk21);
    assertThat(ObservedWaits.streamWanted(nothing)).isFalse();
    assertThat(ObservedWaits.monitorWaitsWanted(noMonitors)).isTrue(); // platform joins
    assertThat(ObservedWaits.monitorWaitsWanted(noFutures)).isFalse();
  }
}
