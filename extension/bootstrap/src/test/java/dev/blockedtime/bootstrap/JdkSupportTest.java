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
  void aJdkWithoutAnInternalGetsOneLineNamingItAndWhatIsNotRecorded() {
    JdkSupport.Hook moved =
        new JdkSupport.Hook(
            "java.util.concurrent.locks.StampedLock", "acquireWriteMoved", 3, "StampedLock write-lock waits are not recorded");
    JdkSupport.Hook present =
        new JdkSupport.Hook("java.util.concurrent.locks.StampedLock", "acquireWrite", 3, "unused");
    assertThat(JdkSupport.check(java.util.List.of(present, moved))).isEqualTo(1);
    assertThat(log.lines()).hasSize(1);
    assertThat(log.lines().get(0))
        .contains("java.util.concurrent.locks.StampedLock.acquireWriteMoved", "with 3 parameters")
        .contains("StampedLock write-lock waits are not recorded", "everything else is recorded as usual");
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
