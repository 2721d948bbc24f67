package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-thread memory of which resources' last waits were long (BlockedTime#preWalk). */
class ThreadStateTest {
  private final ThreadState s = new ThreadState(Thread.currentThread());

  @Test
  void aResourceWhoseLastWaitWasLongIsRememberedUntilAShortWaitOnIt() {
    assertThat(s.lastWaitWasLong(7)).isFalse();
    s.waitEnded(7, true);
    assertThat(s.lastWaitWasLong(7)).isTrue();
    s.waitEnded(8, false); // a short wait on another resource in between
    s.waitEnded(9, true);
    assertThat(s.lastWaitWasLong(7)).isTrue();
    s.waitEnded(7, true); // long again: still one entry
    s.waitEnded(7, false);
    assertThat(s.lastWaitWasLong(7)).isFalse();
    assertThat(s.lastWaitWasLong(9)).isTrue();
  }

  @Test
  void itRemembersTheFourLatestResourcesAndNoMore() {
    for (int token = 1; token <= 5; token++) {
      s.waitEnded(token, true);
    }
    assertThat(s.lastWaitWasLong(1)).as("the oldest, replaced").isFalse();
    for (int token = 2; token <= 5; token++) {
      assertThat(s.lastWaitWasLong(token)).isTrue();
    }
  }

  @Test
  void noTokenIsNeverLong() {
    s.waitEnded(0, true);
    assertThat(s.lastWaitWasLong(0)).isFalse();
  }
}
