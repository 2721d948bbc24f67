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

  /**
   * Without the clock event a stream closes 30 seconds after the handover, however many flushes
   * it sees before: another recording's chunk rotations are flushes too.
   */
  @Test
  void aStreamThatNeverSeesTheClockEventClosesThirtySecondsAfterTheHandover() {
    JfrMonitorEvents.Generation old = new JfrMonitorEvents.Generation(Instant.MIN);
    JfrMonitorEvents.Generation successor = old.next();
    long t0 = System.nanoTime();
    successor.readUntil(Instant.now());
    successor.flushed(t0);
    successor.flushed(t0);
    assertThat(old.handovers()).isOne();
    for (int i = 0; i < 10_000; i++) {
      assertThat(old.flushed(t0 + i * 1_000_000L)).as("flush %d, %d ms after the handover", i, i).isFalse();
    }
    assertThat(old.flushed(t0 + JfrMonitorEvents.CLOSE_AFTER_NANOS - 1)).isFalse();
    assertThat(old.flushed(t0 + JfrMonitorEvents.CLOSE_AFTER_NANOS)).isTrue();
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

  /**
   * Two handovers in a row, the first stream having read ahead of the clock: the third stream
   * takes its events from past the second's instant, so no event is both the first's and the
   * third's (with its own clock alone, it took events that the first still recorded).
   */
  @Test
  void everyEventIsOneStreamsAcrossHandoversInARow() {
    JfrMonitorEvents.Generation first = new JfrMonitorEvents.Generation(Instant.MIN);
    JfrMonitorEvents.Generation second = first.next();
    Instant ahead = Instant.now().plusSeconds(5);
    assertThat(first.accepts(ahead)).isTrue(); // the first stream reads ahead
    second.readUntil(Instant.now());
    second.flushed();
    second.flushed();
    JfrMonitorEvents.Generation third = second.next();
    third.readUntil(Instant.now());
    third.flushed();
    third.flushed();
    assertThat(first.handovers()).isEqualTo(2);
    for (long ms = -6_000; ms <= 1_000; ms += 10) {
      Instant end = ahead.plusMillis(ms);
      int owners = (first.accepts(end) ? 1 : 0) + (second.accepts(end) ? 1 : 0) + (third.accepts(end) ? 1 : 0);
      assertThat(owners).as("streams that record an event ending at %s", end).isOne();
    }
  }

  @Test
  void onlyAStreamThatHasTakenOverMayHandOver() {
    JfrMonitorEvents.Generation first = new JfrMonitorEvents.Generation(Instant.MIN);
    assertThat(first.mayHandOver()).isTrue();
    JfrMonitorEvents.Generation second = first.next();
    assertThat(first.mayHandOver()).as("it has a successor").isFalse();
    assertThat(second.mayHandOver()).as("not taken over yet").isFalse();
    second.readUntil(Instant.now());
    second.flushed();
    second.flushed();
    assertThat(second.mayHandOver()).isTrue();
  }

  @Test
  void aStreamThatDidNotHandOverNeverCloses() {
    JfrMonitorEvents.Generation only = new JfrMonitorEvents.Generation(Instant.MIN);
    only.readUntil(Instant.now().plusSeconds(60));
    long t0 = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      assertThat(only.flushed(t0 + i * JfrMonitorEvents.CLOSE_AFTER_NANOS)).isFalse();
    }
  }
}
