package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "put, put",
    "take, take",
    "offer, offer",
    "poll, poll",
    "transfer, transfer",
    "putFirst, put_first",
    "putLast, put_last",
    "takeFirst, take_first",
    "takeLast, take_last",
    "offerFirst, offer_first",
    "offerLast, offer_last",
    "pollFirst, poll_first",
    "pollLast, poll_last",
    "tryTransfer, try_transfer",
    "drainTo, drain_to",
    "lockInterruptibly, lock_interruptibly",
    "tryLock, try_lock",
    "tryAcquireSharedNanos, try_acquire_shared_nanos",
    "unknown, unknown",
  })
  void snakeCase(String method, String snake) {
    assertThat(Ops.snake(method)).isEqualTo(snake);
    // second call comes from the cache and is the same
    assertThat(Ops.snake(method)).isEqualTo(snake);
  }

  @ParameterizedTest
  @ValueSource(strings = {"take", "take_first", "take_last", "poll", "poll_first", "poll_last"})
  void consumers(String op) {
    assertThat(Ops.isConsumer(op)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "put", "put_first", "put_last", "offer", "offer_first", "offer_last", "transfer",
        "try_transfer", "drain_to", "unknown"
      })
  void producersAndOthers(String op) {
    assertThat(Ops.isConsumer(op)).isFalse();
  }
}
