package dev.blockedtime.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.e2e.harness.OtlpReceiver;
import dev.blockedtime.e2e.harness.ScenarioJvm;
import dev.blockedtime.e2e.scenarios.RawDescriptorScenario;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Under the agent, the core reads each stack frame's descriptor from the frame on JDK 22 and later
 * (the extension opens {@code java.lang} to it): a long wait's stack walk does not resolve eight
 * {@code MethodType}s there (see {@code Frames.descriptor}). On JDK 17 and 25 it identifies each
 * frame's method without asking the VM for its name ({@code Frames.methodId}).
 */
class RawDescriptorTest {
  @Test
  void framesDescriptorsAreReadAsTextFromJdk22() {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ScenarioJvm jvm = ScenarioJvm.builder(RawDescriptorScenario.class).receiver(receiver).start()) {
      assertThat(jvm.waitFor(Duration.ofSeconds(60))).as(jvm.output()).isZero();
      Matcher m = Pattern.compile("RAW (true|false) FEATURE (\\d+)").matcher(jvm.output());
      assertThat(m.find()).as(jvm.output()).isTrue();
      assertThat(Boolean.parseBoolean(m.group(1))).isEqualTo(Integer.parseInt(m.group(2)) >= 22);
      // on every JDK tested: the extension opens java.lang and java.lang.invoke to the core
      assertThat(jvm.output()).contains("METHOD IDS true");
      assertThat(jvm.output()).doesNotContain("[blocked-time] WARN");
    }
  }
}
