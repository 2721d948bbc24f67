package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} is {1} ns")
  @CsvSource(
      delimiter = '|',
      value = {
        "500us      | 500000",
        "2ms        | 2000000",
        "1s         | 1000000000",
        "1.5s       | 1500000000",
        "0.5ms      | 500000",
        "250        | 250000000",
        "1.5        | 1500000",
        "0          | 0",
        "0ms        | 0",
        "7ns        | 7",
        "1000ns     | 1000",
        "1m         | 60000000000",
        "2m         | 120000000000",
        "1h         | 3600000000000",
        "1.5h       | 5400000000000",
        "10s        | 10000000000",
        "100ms      | 100000000",
        "3µs        | 3000",
      })
  void parsesTheAgentsForms(String text, long nanos) {
    assertThat(Durations.parseNanos(text)).isEqualTo(nanos);
  }

  @Test
  void bareNumberIsMilliseconds() {
    assertThat(Durations.parseNanos("5")).isEqualTo(Durations.parseNanos("5ms")).isEqualTo(5_000_000L);
  }

  @ParameterizedTest(name = "''{0}'' is 2ms")
  @ValueSource(strings = {" 2ms", "2ms ", "  2ms\t", "2 ms", "2MS", "2Ms", " 2 MS "})
  void whitespaceAndCaseDoNotMatter(String text) {
    assertThat(Durations.parseNanos(text)).isEqualTo(2_000_000L);
  }

  @Test
  void upperCaseUnitsOfEveryKind() {
    assertThat(Durations.parseNanos("5NS")).isEqualTo(5L);
    assertThat(Durations.parseNanos("5US")).isEqualTo(5_000L);
    assertThat(Durations.parseNanos("5S")).isEqualTo(5_000_000_000L);
    assertThat(Durations.parseNanos("5M")).isEqualTo(300_000_000_000L);
    assertThat(Durations.parseNanos("5H")).isEqualTo(18_000_000_000_000L);
  }

  @ParameterizedTest(name = "rejects ''{0}''")
  @ValueSource(
      strings = {
        "",
        "   ",
        "-1",
        "-1ms",
        "-0.5s",
        "abc",
        "ms",
        "5 parsecs",
        "5parsecs",
        "5 s s",
        "5sec",
        "5 seconds",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "1e3ms", // no exponent form
        ".",
        "1.2.3s",
        "..5ms",
        "1,5s",
        "0x10ms",
        // beyond Long.MAX_VALUE nanoseconds (about 292 years)
        "99999999999999999999ns",
        "9999999999999999999999999999999999999999h",
        "2562048h",
        "106752d",
      })
  void rejectsMalformedNegativeAndHuge(String text) {
    assertThatThrownBy(() -> Durations.parseNanos(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void largestWholeHourThatFitsIsAccepted() {
    // 2562047h = 9_223_369_200_000_000_000 ns < Long.MAX_VALUE; 2562048h does not fit (see above).
    assertThat(Durations.parseNanos("2562047h")).isEqualTo(2_562_047L * 3_600_000_000_000L);
  }

  /**
   * Decimal amounts must give the exact decimal result. BUG (Durations.java line 52): the amount is
   * multiplied as a binary double and truncated with {@code (long)}, so 4.1 * 1e6 =
   * 4099999.9999999995 becomes 4_099_999 ns instead of 4_100_000 ns.
   */
  @ParameterizedTest(name = "{0} is exactly {1} ns")
  @CsvSource(
      delimiter = '|',
      value = {
        "4.1ms   | 4100000",
        "8.2ms   | 8200000",
        "2.01ms  | 2010000",
        "2.01us  | 2010",
        "1.001us | 1001",
        "4.1s    | 4100000000",
        "16.4s   | 16400000000",
        "0.57m   | 34200000000",
        "2.3h    | 8280000000000",
      })
  void decimalAmountsAreExactNotTruncatedBelow(String text, long nanos) {
    assertThat(Durations.parseNanos(text)).isEqualTo(nanos);
  }

  /**
   * The contract promises "the agent's usual forms"; the OpenTelemetry agent's own duration
   * settings (DefaultConfigProperties) also accept {@code d} for days. Durations rejects it.
   */
  @Test
  void acceptsDaysLikeTheAgentsOwnDurationSettings() {
    assertThat(Durations.parseNanos("1d")).isEqualTo(86_400_000_000_000L);
  }
}
