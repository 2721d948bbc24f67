package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {
  private static final String P = "otel.instrumentation.blocked-time.";

  @RegisterExtension final LogCapture log = new LogCapture();

  private static Settings settings(String... keyValues) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(P + keyValues[i], keyValues[i + 1]);
    }
    return Settings.from(map::get);
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void nothingSetGivesTheContractDefaults() {
    Settings s = Settings.from(key -> null);

    assertThat(s.enabled).isTrue();
    assertThat(s.queues).isTrue();
    assertThat(s.locks).isTrue();
    assertThat(s.monitors).isTrue();
    assertThat(s.grpc).isTrue();
    assertThat(s.deadlocks).isTrue();
    assertThat(s.futures).isTrue();
    assertThat(s.virtualThreads).isTrue();
    assertThat(s.executors).isTrue();
    assertThat(s.spanEventThresholdNanos).isEqualTo(1_000_000L); // 1ms
    assertThat(s.stackThresholdNanos).isEqualTo(1_000_000L); // 1ms
    assertThat(s.stackDepth).isEqualTo(8);
    assertThat(s.deadlockIntervalNanos).isEqualTo(10_000_000_000L); // 10s
    assertThat(s.monitorThresholdNanos).isEqualTo(10_000_000L); // 10ms: the documented default
    assertThat(s.names.isEmpty()).isTrue();
    assertThat(s.names.resolve("com.acme.App.main:12")).isEqualTo("com.acme.App.main:12");
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void defaultsIsTheSameAsNothingSet() {
    Settings s = Settings.defaults();
    assertThat(s.enabled).isTrue();
    assertThat(s.queues && s.locks && s.monitors && s.grpc && s.deadlocks).isTrue();
    assertThat(s.spanEventThresholdNanos).isEqualTo(1_000_000L);
    assertThat(s.stackThresholdNanos).isEqualTo(1_000_000L);
    assertThat(s.stackDepth).isEqualTo(8);
    assertThat(s.monitorThresholdNanos).isEqualTo(10_000_000L);
    assertThat(s.deadlockIntervalNanos).isEqualTo(10_000_000_000L);
    assertThat(s.names.isEmpty()).isTrue();
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void readsFullKeyNames() {
    List<String> asked = new ArrayList<>();
    Settings.from(
        key -> {
          asked.add(key);
          return null;
        });
    assertThat(asked)
        .containsExactlyInAnyOrder(
            P + "enabled",
            P + "queues.enabled",
            P + "locks.enabled",
            P + "monitors.enabled",
            P + "grpc.enabled",
            P + "deadlocks.enabled",
            P + "futures.enabled",
            P + "virtual-threads.enabled",
            P + "executors.enabled",
            P + "span-event-threshold",
            P + "stack-threshold",
            P + "stack-depth",
            P + "monitor-threshold",
            P + "deadlock-detection-interval",
            P + "names");
  }

  @ParameterizedTest(name = "empty value ''{0}'' counts as unset")
  @ValueSource(strings = {"", " ", "\t"})
  void blankValuesAreUnsetAndNotLogged(String blank) {
    Settings s =
        settings("enabled", blank, "stack-depth", blank, "stack-threshold", blank, "names", blank);
    assertThat(s.enabled).isTrue();
    assertThat(s.stackDepth).isEqualTo(8);
    assertThat(s.stackThresholdNanos).isEqualTo(1_000_000L);
    assertThat(s.names.isEmpty()).isTrue();
    assertThat(log.lines()).isEmpty();
  }

  // ------------------------------------------------------------------ enabled switches

  @ParameterizedTest(name = "enabled={0} turns every part off")
  @ValueSource(strings = {"false", "FALSE", "False", " false "})
  void disabledTurnsEveryPartOff(String value) {
    Settings s = settings("enabled", value);
    assertThat(s.enabled).isFalse();
    assertThat(s.queues).isFalse();
    assertThat(s.locks).isFalse();
    assertThat(s.monitors).isFalse();
    assertThat(s.grpc).isFalse();
    assertThat(s.deadlocks).isFalse();
    assertThat(s.futures).isFalse();
    assertThat(s.virtualThreads).isFalse();
    assertThat(s.executors).isFalse();
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void executorsTurnOffOnTheirOwn() {
    Settings s = settings("executors.enabled", "false");
    assertThat(s.executors).isFalse();
    assertThat(s.queues && s.locks && s.monitors && s.grpc && s.deadlocks).isTrue();
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void disabledWinsOverPartsExplicitlyEnabled() {
    Settings s =
        settings(
            "enabled", "false",
            "queues.enabled", "true",
            "locks.enabled", "true",
            "monitors.enabled", "true",
            "grpc.enabled", "true",
            "deadlocks.enabled", "true");
    assertThat(s.queues || s.locks || s.monitors || s.grpc || s.deadlocks).isFalse();
  }

  @Test
  void eachPartTurnsOffOnItsOwn() {
    assertThat(settings("queues.enabled", "false"))
        .satisfies(
            s -> {
              assertThat(s.enabled).isTrue();
              assertThat(s.queues).isFalse();
              assertThat(s.locks && s.monitors && s.grpc && s.deadlocks).isTrue();
            });
    assertThat(settings("locks.enabled", "false"))
        .satisfies(
            s -> {
              assertThat(s.locks).isFalse();
              assertThat(s.queues && s.monitors && s.grpc && s.deadlocks).isTrue();
            });
    assertThat(settings("monitors.enabled", "false"))
        .satisfies(
            s -> {
              assertThat(s.monitors).isFalse();
              assertThat(s.queues && s.locks && s.grpc && s.deadlocks).isTrue();
            });
    assertThat(settings("grpc.enabled", "false"))
        .satisfies(
            s -> {
              assertThat(s.grpc).isFalse();
              assertThat(s.queues && s.locks && s.monitors && s.deadlocks).isTrue();
            });
    assertThat(settings("deadlocks.enabled", "false"))
        .satisfies(
            s -> {
              assertThat(s.deadlocks).isFalse();
              assertThat(s.queues && s.locks && s.monitors && s.grpc).isTrue();
            });
    assertThat(settings("futures.enabled", "false"))
        .satisfies(
            s -> {
              assertThat(s.futures).isFalse();
              assertThat(s.queues && s.locks && s.monitors && s.grpc && s.deadlocks && s.virtualThreads)
                  .isTrue();
            });
    assertThat(settings("virtual-threads.enabled", "false"))
        .satisfies(
            s -> {
              assertThat(s.virtualThreads).isFalse();
              assertThat(s.queues && s.locks && s.monitors && s.grpc && s.deadlocks && s.futures)
                  .isTrue();
            });
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void trueInAnyCaseIsTrue() {
    Settings s = settings("enabled", "TRUE", "queues.enabled", "True", "grpc.enabled", " true ");
    assertThat(s.enabled && s.queues && s.grpc).isTrue();
    assertThat(log.lines()).isEmpty();
  }

  // ------------------------------------------------------------------ valid values

  @Test
  void validValuesAreApplied() {
    Settings s =
        settings(
            "span-event-threshold", "500us",
            "stack-threshold", "2ms",
            "stack-depth", "16",
            "monitor-threshold", "20ms",
            "deadlock-detection-interval", "1m",
            "names", "com.acme.*=acme");
    assertThat(s.spanEventThresholdNanos).isEqualTo(500_000L);
    assertThat(s.stackThresholdNanos).isEqualTo(2_000_000L);
    assertThat(s.stackDepth).isEqualTo(16);
    assertThat(s.monitorThresholdNanos).isEqualTo(20_000_000L);
    assertThat(s.deadlockIntervalNanos).isEqualTo(60_000_000_000L);
    assertThat(s.names.resolve("com.acme.Foo.bar:3")).isEqualTo("acme");
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void boundaryValuesAreAccepted() {
    Settings low =
        settings(
            "span-event-threshold", "0",
            "stack-threshold", "0ns",
            "stack-depth", "1",
            "monitor-threshold", "0",
            "deadlock-detection-interval", "100ms");
    assertThat(low.spanEventThresholdNanos).isZero();
    assertThat(low.stackThresholdNanos).isZero();
    assertThat(low.stackDepth).isEqualTo(1);
    assertThat(low.monitorThresholdNanos).isZero();
    assertThat(low.deadlockIntervalNanos).isEqualTo(100_000_000L);

    Settings high = settings("stack-depth", "64", "deadlock-detection-interval", "0.1s");
    assertThat(high.stackDepth).isEqualTo(64);
    assertThat(high.deadlockIntervalNanos).isEqualTo(100_000_000L);
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void valuesAreTrimmed() {
    Settings s = settings("stack-depth", " 12 ", "stack-threshold", "  3ms ");
    assertThat(s.stackDepth).isEqualTo(12);
    assertThat(s.stackThresholdNanos).isEqualTo(3_000_000L);
    assertThat(log.lines()).isEmpty();
  }

  // ------------------------------------------------------------------ malformed values

  private static final String BOOL_FORM = "true or false";
  private static final String DURATION_FORM = Durations.ACCEPTED;
  private static final String DEPTH_FORM = "a whole number from 1 to 64";
  private static final String NAMES_FORM = "comma-separated pattern=alias pairs";

  static Stream<Arguments> badValues() {
    List<Arguments> rows = new ArrayList<>();
    String[] boolKeys = {
      "enabled",
      "queues.enabled",
      "locks.enabled",
      "monitors.enabled",
      "grpc.enabled",
      "deadlocks.enabled",
      "futures.enabled",
      "virtual-threads.enabled",
      "executors.enabled"
    };
    for (String key : boolKeys) {
      for (String bad : new String[] {"yes", "no", "1", "0", "on", "off", "tru", "falsey", "enabled"}) {
        rows.add(Arguments.of(key, bad, BOOL_FORM));
      }
    }
    String[] durationKeys = {
      "span-event-threshold", "stack-threshold", "monitor-threshold", "deadlock-detection-interval"
    };
    for (String key : durationKeys) {
      for (String bad :
          new String[] {
            "abc", "-1ms", "-5", "5 parsecs", "ms", "NaN", "Infinity", "1e3", "99999999999999999999ns"
          }) {
        rows.add(Arguments.of(key, bad, DURATION_FORM));
      }
    }
    // Out of range: the deadlock interval has a floor of 100ms.
    for (String bad : new String[] {"0", "0s", "99ms", "50ms", "99999us"}) {
      rows.add(Arguments.of("deadlock-detection-interval", bad, DURATION_FORM + ", at least 100ms"));
    }
    for (String bad :
        new String[] {"0", "-1", "65", "1000", "abc", "8.5", "8ms", "99999999999", "", "0x8"}) {
      if (!bad.isEmpty()) {
        rows.add(Arguments.of("stack-depth", bad, DEPTH_FORM));
      }
    }
    for (String bad : new String[] {"=x", "a=", "*=x", "noequals", "=", "*=", " = "}) {
      rows.add(Arguments.of("names", bad, NAMES_FORM));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}=''{1}'' keeps the default and logs once")
  @MethodSource("badValues")
  void malformedValueKeepsDefaultAndLogsOneLine(String key, String bad, String acceptedForm) {
    Settings s = settings(key, bad);
    Settings d = Settings.defaults();

    assertThat(s.enabled).isEqualTo(d.enabled);
    assertThat(s.queues).isEqualTo(d.queues);
    assertThat(s.locks).isEqualTo(d.locks);
    assertThat(s.monitors).isEqualTo(d.monitors);
    assertThat(s.grpc).isEqualTo(d.grpc);
    assertThat(s.deadlocks).isEqualTo(d.deadlocks);
    assertThat(s.futures).isEqualTo(d.futures);
    assertThat(s.virtualThreads).isEqualTo(d.virtualThreads);
    assertThat(s.executors).isEqualTo(d.executors);
    assertThat(s.spanEventThresholdNanos).isEqualTo(1_000_000L);
    assertThat(s.stackThresholdNanos).isEqualTo(1_000_000L);
    assertThat(s.stackDepth).isEqualTo(8);
    assertThat(s.monitorThresholdNanos).isEqualTo(10_000_000L);
    assertThat(s.deadlockIntervalNanos).isEqualTo(10_000_000_000L);
    assertThat(s.names.isEmpty()).isTrue();

    // d was built from nothing, so it logged nothing: exactly one line, from s.
    assertThat(log.lines()).hasSize(1);
    String line = log.lines().get(0);
    assertThat(line)
        .contains(P + key + ":")
        .contains("'" + bad.trim() + "'")
        .contains(acceptedForm);
  }

  @Test
  void logLineIsExactForABadStackDepth() {
    settings("stack-depth", "lots");
    assertThat(log.lines())
        .containsExactly(
            "WARN invalid value for otel.instrumentation.blocked-time.stack-depth: 'lots'; "
                + "expected a whole number from 1 to 64; using 8");
  }

  @Test
  void logLineIsExactForABadBoolean() {
    settings("grpc.enabled", "maybe");
    assertThat(log.lines())
        .containsExactly(
            "WARN invalid value for otel.instrumentation.blocked-time.grpc.enabled: 'maybe'; "
                + "expected true or false; using true");
  }

  @Test
  void logLineIsExactForADeadlockIntervalBelowTheFloor() {
    settings("deadlock-detection-interval", "10ms");
    assertThat(log.lines())
        .containsExactly(
            "WARN invalid value for otel.instrumentation.blocked-time.deadlock-detection-interval: "
                + "'10ms'; expected "
                + Durations.ACCEPTED
                + ", at least 100ms; using 10s");
  }

  @Test
  void logLineIsExactForABadThreshold() {
    settings("stack-threshold", "5 parsecs");
    assertThat(log.lines())
        .containsExactly(
            "WARN invalid value for otel.instrumentation.blocked-time.stack-threshold: "
                + "'5 parsecs'; expected "
                + Durations.ACCEPTED
                + "; using 1ms");
  }

  @Test
  void namesLogLineListsTheIgnoredPairsAndValidPairsStillApply() {
    Settings s = settings("names", "com.acme.*=acme, =x, a=, *=x, noequals, org.x.Y.z:1=y");

    assertThat(s.names.resolve("com.acme.Foo.bar:3")).isEqualTo("acme");
    assertThat(s.names.resolve("org.x.Y.z:1")).isEqualTo("y");
    assertThat(log.lines()).hasSize(1);
    assertThat(log.lines().get(0))
        .isEqualTo(
            "WARN invalid value for otel.instrumentation.blocked-time.names: "
                + "'com.acme.*=acme, =x, a=, *=x, noequals, org.x.Y.z:1=y'; expected "
                + "comma-separated pattern=alias pairs (a trailing * in a pattern matches any "
                + "suffix); ignored: =x, a=, *=x, noequals; using the valid pairs only");
  }

  @Test
  void severalBadKeysGiveOneLineEach() {
    Settings s =
        settings(
            "enabled", "nope",
            "stack-depth", "0",
            "stack-threshold", "soon",
            "deadlock-detection-interval", "1ms");
    assertThat(s.enabled).isTrue();
    assertThat(s.stackDepth).isEqualTo(8);
    assertThat(s.stackThresholdNanos).isEqualTo(1_000_000L);
    assertThat(s.deadlockIntervalNanos).isEqualTo(10_000_000_000L);
    assertThat(log.lines()).hasSize(4);
    assertThat(log.lines())
        .anySatisfy(l -> assertThat(l).contains(P + "enabled:").contains("'nope'"))
        .anySatisfy(l -> assertThat(l).contains(P + "stack-depth:").contains("'0'"))
        .anySatisfy(l -> assertThat(l).contains(P + "stack-threshold:").contains("'soon'"))
        .anySatisfy(
            l -> assertThat(l).contains(P + "deadlock-detection-interval:").contains("'1ms'"));
  }

  @Test
  void aBadValueDoesNotDisturbOtherKeys() {
    Settings s = settings("stack-depth", "zero", "stack-threshold", "5ms", "queues.enabled", "false");
    assertThat(s.stackDepth).isEqualTo(8);
    assertThat(s.stackThresholdNanos).isEqualTo(5_000_000L);
    assertThat(s.queues).isFalse();
    assertThat(log.lines()).hasSize(1);
  }

  // ------------------------------------------------------------------ environment and system

  @Test
  void envNameMapsDotsAndDashesToUnderscoresInUpperCase() {
    assertThat(Settings.envName("otel.instrumentation.blocked-time.stack-depth"))
        .isEqualTo("OTEL_INSTRUMENTATION_BLOCKED_TIME_STACK_DEPTH");
    assertThat(Settings.envName(P + "enabled")).isEqualTo("OTEL_INSTRUMENTATION_BLOCKED_TIME_ENABLED");
    assertThat(Settings.envName(P + "queues.enabled"))
        .isEqualTo("OTEL_INSTRUMENTATION_BLOCKED_TIME_QUEUES_ENABLED");
    assertThat(Settings.envName(P + "span-event-threshold"))
        .isEqualTo("OTEL_INSTRUMENTATION_BLOCKED_TIME_SPAN_EVENT_THRESHOLD");
    assertThat(Settings.envName(P + "deadlock-detection-interval"))
        .isEqualTo("OTEL_INSTRUMENTATION_BLOCKED_TIME_DEADLOCK_DETECTION_INTERVAL");
    assertThat(Settings.envName(P + "names")).isEqualTo("OTEL_INSTRUMENTATION_BLOCKED_TIME_NAMES");
  }

  @Test
  void fromSystemReadsSystemProperties() {
    String depthKey = P + "stack-depth";
    String queuesKey = P + "queues.enabled";
    String oldDepth = System.getProperty(depthKey);
    String oldQueues = System.getProperty(queuesKey);
    try {
      System.setProperty(depthKey, "13");
      System.setProperty(queuesKey, "false");
      Settings s = Settings.fromSystem();
      assertThat(s.stackDepth).isEqualTo(13);
      assertThat(s.queues).isFalse();
      assertThat(s.locks).isTrue();
    } finally {
      restore(depthKey, oldDepth);
      restore(queuesKey, oldQueues);
    }
  }

  @Test
  void systemValuePrefersThePropertyAndFallsBackToTheEnvironment() {
    // PATH is set in any test environment: a key whose env name is PATH falls back to it.
    assertThat(Settings.systemValue("path")).isEqualTo(System.getenv("PATH"));
    String old = System.getProperty("path");
    try {
      System.setProperty("path", "from-property");
      assertThat(Settings.systemValue("path")).isEqualTo("from-property");
    } finally {
      restore("path", old);
    }
    assertThat(Settings.systemValue(P + "no-such-key-" + System.nanoTime())).isNull();
  }

  private static void restore(String key, String old) {
    if (old == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, old);
    }
  }

  @Test
  void formatNanosPicksTheLargestExactUnit() {
    assertThat(Settings.formatNanos(10_000_000_000L)).isEqualTo("10s");
    assertThat(Settings.formatNanos(1_000_000L)).isEqualTo("1ms");
    assertThat(Settings.formatNanos(1_500_000L)).isEqualTo("1500us");
    assertThat(Settings.formatNanos(500_000L)).isEqualTo("500us");
    assertThat(Settings.formatNanos(7L)).isEqualTo("7ns");
    assertThat(Settings.formatNanos(0L)).isEqualTo("0s");
  }

  @Test
  void fromReceivesTheRawFunctionOnlyAsAFunction() {
    // Settings.from takes any Map::get-like function.
    Map<String, String> map = Map.of(P + "stack-depth", "3");
    Function<String, String> raw = map::get;
    assertThat(Settings.from(raw).stackDepth).isEqualTo(3);
  }
}
