package dev.blockedtime.javaagent.deadlock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DeadlockCyclesTest {

  /** The cycles as thread ids, for readable assertions. */
  static List<List<Long>> cycles(long[] ids, long[] owners) {
    return DeadlockCycles.find(ids, owners).stream()
        .map(c -> java.util.Arrays.stream(c).mapToObj(i -> ids[i]).collect(Collectors.toList()))
        .collect(Collectors.toList());
  }

  @Test
  void twoThreadsWaitingForEachOtherStartAtTheSmallerId() {
    assertThat(cycles(new long[] {5, 3}, new long[] {3, 5})).containsExactly(List.of(3L, 5L));
  }

  @Test
  void aCycleOfThreeIsInWaitsForOrder() {
    // 10 waits for what 30 holds, 30 for 20, 20 for 10
    assertThat(cycles(new long[] {20, 30, 10}, new long[] {10, 20, 30}))
        .containsExactly(List.of(10L, 30L, 20L));
  }

  @Test
  void aThreadWaitingBehindACycleIsNotInIt() {
    // 1 waits for 2; 2 and 3 wait for each other (in any order of discovery)
    assertThat(cycles(new long[] {1, 2, 3}, new long[] {2, 3, 2})).containsExactly(List.of(2L, 3L));
    assertThat(cycles(new long[] {3, 2, 1}, new long[] {2, 3, 2})).containsExactly(List.of(2L, 3L));
  }

  @Test
  void separateCyclesAreOrderedByTheirSmallestId() {
    assertThat(cycles(new long[] {8, 9, 4, 6}, new long[] {9, 8, 6, 4}))
        .containsExactly(List.of(4L, 6L), List.of(8L, 9L));
  }

  @Test
  void aThreadWaitingForItselfIsACycleOfOne() {
    assertThat(cycles(new long[] {7}, new long[] {7})).containsExactly(List.of(7L));
  }

  @Test
  void chainsThatEndOutsideTheSetAreNoCycle() {
    assertThat(cycles(new long[] {1, 2}, new long[] {2, -1})).isEmpty();
    assertThat(cycles(new long[] {1, 2}, new long[] {2, 99})).isEmpty();
    assertThat(cycles(new long[0], new long[0])).isEmpty();
  }

  @Test
  void lockTypeFallsBackToTheOutermostClassOfTheSynchronizer() {
    assertThat(DeadlockReport.outerSimpleName("java.util.concurrent.locks.ReentrantLock$NonfairSync"))
        .isEqualTo("ReentrantLock");
    assertThat(DeadlockReport.outerSimpleName("com.acme.Mutex")).isEqualTo("Mutex");
  }
}
