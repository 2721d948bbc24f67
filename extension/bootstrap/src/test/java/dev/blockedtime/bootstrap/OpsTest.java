package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import org.junit.jupiter.api.Test;
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
    assertThat(Ops.toSnake(method)).isEqualTo(snake); // the switch's names are the computed ones
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

  @Test
  void aDequeWaitNamedAtItsOpeningNeedsNoStackAtItsExit() {
    LinkedBlockingDeque<Object> deque = new LinkedBlockingDeque<>();
    // opened under the delegating method's name: putLast's exit leaves it to put's
    assertThat(Ops.delegated(deque, "putLast", "put")).isTrue();
    assertThat(Ops.delegated(deque, "takeFirst", "take")).isTrue();
    // putLast called directly: its own exit closes it
    assertThat(Ops.delegated(deque, "putLast", "put_last")).isFalse();
    // not named yet (the wait was only for the lock): the stack decides, and this test's method
    // is not LinkedBlockingDeque.put
    assertThat(Ops.delegated(deque, "putLast", Ops.UNKNOWN)).isFalse();
    assertThat(Ops.delegated(deque, "putLast", null)).isFalse();
  }

  @Test
  void onlyTheDequesDelegatedMethodsAreEverDelegated() {
    assertThat(Ops.delegated(new LinkedBlockingDeque<>(), "put", "put")).isFalse();
    assertThat(Ops.delegated(new LinkedBlockingDeque<>(), "putFirst", "put")).isFalse();
    assertThat(Ops.delegated(new ArrayBlockingQueue<>(1), "putLast", "put")).isFalse();
  }

  @Test
  void onceTheDequesDelegatesAreCopiedOnlyASubclassDelegates() {
    LinkedBlockingDeque<Object> deque = new LinkedBlockingDeque<>();
    LinkedBlockingDeque<Object> subclass = new LinkedBlockingDeque<>() {};
    int before = Ops.copiedBits();
    try {
      Ops.copiedBits(0);
      assertThat(Ops.delegated(deque, "putLast", "put")).isTrue();
      assertThat(Ops.delegated(deque, "takeFirst", "take")).isTrue();

      Ops.copied("putLast", "takeFirst", "offerLast", "pollFirst", "notADelegate");
      assertThat(Ops.copiedDelegates()).isEqualTo("putLast,takeFirst,offerLast,pollFirst");
      // the deque's own put runs its copy of putLast: a putLast wait is putLast's own
      assertThat(Ops.delegated(deque, "putLast", "put")).isFalse();
      assertThat(Ops.delegated(deque, "pollFirst", Ops.UNKNOWN)).isFalse();
      assertThat(Ops.delegator(deque, "offerLast")).isNull();
      // an application subclass keeps put's call to putLast, which it may override
      assertThat(Ops.delegated(subclass, "putLast", "put")).isTrue();
      assertThat(Ops.delegated(subclass, "takeFirst", "take")).isTrue();

      Ops.copiedBits(0);
      Ops.copied("takeFirst");
      assertThat(Ops.delegated(deque, "putLast", "put")).isTrue(); // put was not copied
      assertThat(Ops.delegated(deque, "takeFirst", "take")).isFalse();
    } finally {
      Ops.copiedBits(before);
    }
  }
}
