package dev.blockedtime.javaagent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MonitorContentionTest {
  static final String AGENT_LOADER = "io.opentelemetry.javaagent.bootstrap.AgentClassLoader";

  @Test
  void applicationThreadsOnApplicationMonitorsAreRecorded() {
    assertThat(MonitorContention.isApplicationWait("main", "com.acme.Ledger", "jdk.internal.loader.ClassLoaders$AppClassLoader"))
        .isTrue();
    assertThat(MonitorContention.isApplicationWait("worker-1", "java.lang.Object", null)).isTrue();
  }

  @Test
  void theAgentsOursAndJfrsThreadsAreNot() {
    assertThat(MonitorContention.isApplicationWait("BatchSpanProcessor_WorkerThread-1", "java.lang.Object", null)).isFalse();
    assertThat(MonitorContention.isApplicationWait("PeriodicMetricReader-1", "java.lang.Object", null)).isFalse();
    assertThat(MonitorContention.isApplicationWait("blocked-time-jfr", "java.lang.Object", null)).isFalse();
    assertThat(MonitorContention.isApplicationWait("blocked-time-deadlocks", "java.lang.Object", null)).isFalse();
    assertThat(MonitorContention.isApplicationWait("JFR Periodic Tasks", "java.lang.Object", null)).isFalse();
  }

  /** JDK 17 loses the thread of an event whose thread ended just before a chunk rotation. */
  @Test
  void aWaitWhoseThreadJfrLostIsRecordedUnlessItsMonitorIsTheAgents() {
    assertThat(MonitorContention.isApplicationWait(null, "java.lang.Object", null)).isTrue();
    assertThat(MonitorContention.isApplicationWait(null, "dev.blockedtime.bootstrap.WeakIdentityTable", null)).isFalse();
    assertThat(MonitorContention.isApplicationWait(null, "okhttp3.ConnectionPool", AGENT_LOADER)).isFalse();
    // perhaps our stream's thread, closing its stream at a handover just before it ended
    assertThat(MonitorContention.isApplicationWait(null, "jdk.jfr.internal.PlatformRecorder", null)).isFalse();
    assertThat(MonitorContention.isApplicationWait("main", "jdk.jfr.internal.PlatformRecorder", null)).isTrue();
  }

  @Test
  void monitorsOfTheAgentsAndOurClassesAreNot() {
    assertThat(MonitorContention.isApplicationWait("main", "io.opentelemetry.javaagent.shaded.io.opentelemetry.sdk.X", null)).isFalse();
    assertThat(MonitorContention.isApplicationWait("main", "dev.blockedtime.bootstrap.WeakIdentityTable", null)).isFalse();
    assertThat(MonitorContention.isApplicationWait("main", "dev.blockedtime.javaagent.telemetry.OtelRecorder", null)).isFalse();
    // a library the agent bundles under its own name, recognized by the agent's class loader
    assertThat(MonitorContention.isApplicationWait("main", "okhttp3.ConnectionPool", AGENT_LOADER)).isFalse();
    assertThat(MonitorContention.isApplicationWait("main", null, null)).isFalse();
  }

  @Test
  void hiddenAndReflectionFramesStayOutOfTheStack() {
    assertThat(MonitorContention.isStackFrame("com.acme.Orders")).isTrue();
    assertThat(MonitorContention.isStackFrame("com.acme.Orders$Line")).isTrue();
    // lambda proxies as JFR names them on JDK 17 and on JDK 25
    assertThat(MonitorContention.isStackFrame("com.acme.Orders$$Lambda$95+0x00007f0ee8007c70.2104028992")).isFalse();
    assertThat(MonitorContention.isStackFrame("com.acme.Orders$$Lambda.0x0000000098044c80")).isFalse();
    assertThat(MonitorContention.isStackFrame("java.lang.invoke.LambdaForm$MH/0x0000000800c0c400")).isFalse();
    assertThat(MonitorContention.isStackFrame("jdk.internal.reflect.GeneratedMethodAccessor12")).isFalse();
  }

  @Test
  void framesAreWrittenLikeEveryOtherStack() {
    assertThat(MonitorContention.frame("com.acme.Orders", "book", 42)).isEqualTo("com.acme.Orders.book:42");
  }
}
