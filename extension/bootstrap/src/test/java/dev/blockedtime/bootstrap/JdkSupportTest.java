package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdkSupportTest {
  @RegisterExtension final LogCapture log = new LogCapture();

  @Test
  void everyInternalTheAdviceHooksExistsOnThisJdk() {
    assertThat(JdkSupport.check(Settings.defaults())).isZero();
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void aMissingInternalIsReportedByName() {
    assertThat(JdkSupport.present("java.util.concurrent.locks.AbstractQueuedSynchronizer", "acquire", 6))
        .isTrue();
    assertThat(JdkSupport.present("java.util.concurrent.locks.AbstractQueuedSynchronizer", "acquire", 7))
        .isFalse();
    assertThat(JdkSupport.present("no.such.Type", "acquire", 6)).isFalse();
  }
}
