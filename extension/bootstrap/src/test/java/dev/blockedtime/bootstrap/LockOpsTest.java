package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LockOpsTest {

  @Test
  void flagsCombine() {
    assertThat(LockOps.flags(false, false, false)).isZero();
    assertThat(LockOps.flags(true, false, false)).isEqualTo(LockOps.SHARED);
    assertThat(LockOps.flags(false, true, false)).isEqualTo(LockOps.INTERRUPTIBLE);
    assertThat(LockOps.flags(false, false, true)).isEqualTo(LockOps.TIMED);
    assertThat(LockOps.flags(true, true, true)).isEqualTo(LockOps.SHARED | LockOps.INTERRUPTIBLE | LockOps.TIMED);
  }

  @Test
  void modeIsSharedOnlyForSharedAcquires() {
    assertThat(LockOps.mode(0)).isEqualTo("exclusive");
    assertThat(LockOps.mode(LockOps.INTERRUPTIBLE | LockOps.TIMED)).isEqualTo("exclusive");
    assertThat(LockOps.mode(LockOps.SHARED)).isEqualTo("shared");
    assertThat(LockOps.mode(LockOps.SHARED | LockOps.TIMED)).isEqualTo("shared");
  }

  @ParameterizedTest(name = "{0} shared={1} interruptible={2} timed={3} write={4} -> {5}")
  @CsvSource({
    "ReentrantLock, false, false, false, false, lock",
    "ReentrantLock, false, true, false, false, lock_interruptibly",
    "ReentrantLock, false, true, true, false, try_lock",
    "ReentrantReadWriteLock, true, false, false, false, lock",
    "ReentrantReadWriteLock, false, false, true, false, try_lock",
    "Semaphore, true, true, false, false, acquire",
    "Semaphore, true, false, false, false, acquire_uninterruptibly",
    "Semaphore, true, true, true, false, try_acquire",
    "CountDownLatch, true, true, false, false, await",
    "CountDownLatch, true, true, true, false, await",
    "Phaser, false, false, false, false, await_advance",
    "StampedLock, false, false, false, true, write_lock",
    "StampedLock, true, false, false, false, read_lock",
    "StampedLock, false, true, false, true, write_lock_interruptibly",
    "StampedLock, true, true, true, false, try_read_lock",
    "StampedLock, false, false, true, true, try_write_lock",
    "SomethingElse, false, false, false, false, acquire",
  })
  void operationNames(String type, boolean shared, boolean interruptible, boolean timed, boolean write, String op) {
    int flags = LockOps.flags(shared, interruptible, timed) | (write ? LockOps.WRITE : 0);
    assertThat(LockOps.operation(type, flags)).isEqualTo(op);
  }
}
