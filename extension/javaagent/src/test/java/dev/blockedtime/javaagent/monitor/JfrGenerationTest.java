package dev.blockedtime.javaagent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When a stream that handed over may close: only once it has read the recording past the
 * handover, however many flushes it has seen since (a stream that lags, or sees the extra flushes
 * of the chunk rotations that other recordings cause, would otherwise close before it has read
 * the events that are still its own).
 */
class JfrGenerationTest {

  @Test
  void aStreamThatHandedOverClosesOnlyOnceItHasReadPastTheHandover() {
    JfrMonitorEvents.Generation old = new JfrMonitorEvents.Generation(Instant.MIN);
    JfrMonitorEvents.Generation successor = old.next();
    Instant before = Instant.now();
    assertThat(successor.flushed()).isFalse();
    assertThat(old.handovers()).isZero();
    assertThat(successor.flushed()).isFalse();
    assertThat(old.handovers()).as("no clock event read yet").isZero();
    successor.readUntil(before);
    assertThat(successor.flushed()).isFalse(); // takes over from its second flush, with a clock
    assertThat(old.handovers()).isOne();

    old.readUntil(before.minusSeconds(5)); // five seconds behind the recording
    for (int i = 0; i < 10; i++) {
      assertThat(old.flushed()).as("flush %d after the handover", i + 1).isFalse();
    }
    old.readUntil(Instant.now()); // at the handover: within the clock margin
    assertThat(old.flushed()).isFalse();
    old.readUntil(Instant.now().plusSeconds(2));
    assertThat(old.flushed()).isTrue();
  }

  @Test
  void aStreamThatNeverSeesTheClockEventClosesAfterABoundedNumberOfFlushes() {
    JfrMonitorEvents.Generation old = new JfrMonitorEvents.Generation(Instant.MIN);
    JfrMonitorEvents.Generation successor = old.next();
    successor.readUntil(Instant.now());
    successor.flushed();
    successor.flushed();
    for (int i = 1; i < JfrMonitorEvents.CLOSE_AFTER_FLUSHES; i++) {
      assertThat(old.flushed()).isFalse();
    }
    assertThat(old.flushed()).isTrue();
  }

  /**
   * JFR's clock need not agree with {@code Instant.now()}: an event the successor judged before it
   * took over may carry an end a little ahead. It stays its predecessor's (it was lost when the
   * handover instant was the successor's {@code Instant.now()}).
   */
  @Test
  void anEventTheSuccessorPassedOverBeforeTakingOverStaysItsPredecessors() {
    JfrMonitorEvents.Generation old = new JfrMonitorEvents.Generation(Instant.MIN);
    JfrMonitorEvents.Generation successor = old.next();
    Instant ahead = Instant.now().plusMillis(50);
    successor.readUntil(Instant.now());
    successor.flushed();
    assertThat(successor.accepts(ahead)).isFalse(); // not taken over yet
    successor.flushed();
    assertThat(old.handovers()).isOne();
    assertThat(old.accepts(ahead)).isTrue();
    assertThat(successor.accepts(ahead)).isFalse();
    Instant later = ahead.plusMillis(1);
    assertThat(old.accepts(later)).isFalse();
    assertThat(successor.accepts(later)).isTrue();
  }

  /** The predecessor may read ahead of its successor: what it recorded, the successor does not. */
  @Test
  void anEventThePredecessorRecordedBeforeTheTakeoverIsNotRecordedAgain() {
    JfrMonitorEvents.Generation old = new JfrMonitorEvents.Generation(Instant.MIN);
    JfrMonitorEvents.Generation successor = old.next();
    Instant ahead = Instant.now().plusMillis(50);
    assertThat(old.accepts(ahead)).isTrue();
    successor.readUntil(Instant.now());
    successor.flushed();
    successor.flushed();
    assertThat(old.handovers()).isOne();
    assertThat(successor.accepts(ahead)).isFalse();
    assertThat(successor.accepts(ahead.plusMillis(1))).isTrue();
    assertThat(old.accepts(ahead.plusMillis(1))).isFalse();
  }

  @Test
  void aStreamThatDidNotHandOverNeverCloses() {
    JfrMonitorEvents.Generation only = new JfrMonitorEvents.Generation(Instant.MIN);
    only.readUntil(Instant.now().plusSeconds(60));
    for (int i = 0; i < 2 * JfrMonitorEvents.CLOSE_AFTER_FLUSHES; i++) {
      assertThat(only.flushed()).isFalse();
    }
  }
}
