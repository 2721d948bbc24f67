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

  @Test
  void theClassFileAnswersAsReflectionWould() throws Exception {
    for (Class<?> c :
        java.util.List.of(
            java.util.concurrent.CompletableFuture.class,
            java.util.concurrent.locks.AbstractQueuedSynchronizer.class,
            java.util.concurrent.locks.StampedLock.class,
            java.util.concurrent.Phaser.class,
            java.util.concurrent.FutureTask.class,
            java.util.concurrent.locks.LockSupport.class,
            String.class)) {
      byte[] bytes;
      try (java.io.InputStream in =
          ClassLoader.getSystemResourceAsStream(c.getName().replace('.', '/') + ".class")) {
        bytes = in.readAllBytes();
      }
      for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
        assertThat(JdkSupport.declares(bytes, m.getName(), m.getParameterCount()))
            .as(c.getName() + "." + m.getName() + "/" + m.getParameterCount())
            .isTrue();
      }
      assertThat(JdkSupport.declares(bytes, "noSuchMethod", 0)).isFalse();
    }
    assertThat(JdkSupport.parameterCount("()V")).isZero();
    assertThat(JdkSupport.parameterCount("(I[J[[Ljava/lang/String;Z)V")).isEqualTo(4);
    assertThat(JdkSupport.parameterCount("(Ljava/lang/Object;DJ)Ljava/lang/Object;")).isEqualTo(3);
  }
}
