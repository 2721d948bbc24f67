package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** StackTable is static and this test fills it: own class (surefire forks a JVM per class). */
class StackTableTest {
  @RegisterExtension final LogCapture log = new LogCapture();

  @Test
  void firstThenAgainThenOverflowPastMaxHashes() throws ReflectiveOperationException {
    int before = held();
    String prefix = "stack-" + System.nanoTime() + "-";
    assertThat(StackTable.see(prefix + "a")).isEqualTo(StackTable.Seen.FIRST);
    assertThat(StackTable.see(prefix + "a")).isEqualTo(StackTable.Seen.AGAIN);
    assertThat(StackTable.see(new String(prefix + "a"))).isEqualTo(StackTable.Seen.AGAIN);
    assertThat(StackTable.see(prefix + "b")).isEqualTo(StackTable.Seen.FIRST);

    // Fill up: the table may already hold hashes from elsewhere, so add until one overflows.
    int added = 0;
    StackTable.Seen seen;
    while ((seen = StackTable.see(prefix + "fill-" + added)) == StackTable.Seen.FIRST) {
      added++;
      assertThat(added).isLessThanOrEqualTo(StackTable.MAX_HASHES);
    }
    assertThat(seen).isEqualTo(StackTable.Seen.OVERFLOW);
    // exactly MAX_HASHES held: what was there, "a", "b" and the fills
    assertThat(before + 2 + added).isEqualTo(StackTable.MAX_HASHES);
    assertThat(held()).isEqualTo(StackTable.MAX_HASHES);
    // the first call that overflowed did not add its hash
    assertThat(StackTable.see(prefix + "fill-" + added)).isEqualTo(StackTable.Seen.OVERFLOW);
    assertThat(StackTable.see(prefix + "another")).isEqualTo(StackTable.Seen.OVERFLOW);

    // Hashes held before the table filled are still AGAIN.
    assertThat(StackTable.see(prefix + "a")).isEqualTo(StackTable.Seen.AGAIN);
    assertThat(StackTable.see(prefix + "fill-0")).isEqualTo(StackTable.Seen.AGAIN);
    assertThat(StackTable.see(prefix + "fill-" + (added - 1))).isEqualTo(StackTable.Seen.AGAIN);

    assertThat(log.lines())
        .containsExactly(
            "WARN more than " + StackTable.MAX_HASHES + " distinct stack hashes; further waits are recorded without one");
  }

  @SuppressWarnings("unchecked")
  private static int held() throws ReflectiveOperationException {
    java.lang.reflect.Field f = StackTable.class.getDeclaredField("HASHES");
    f.setAccessible(true);
    return ((java.util.Set<String>) f.get(null)).size();
  }
}
