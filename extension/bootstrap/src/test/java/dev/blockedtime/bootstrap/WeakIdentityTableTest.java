package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeakIdentityTableTest {

  @Test
  void getOfAnAbsentKeyIsNull() {
    WeakIdentityTable<String> t = new WeakIdentityTable<>();
    assertThat(t.get(new Object())).isNull();
    assertThat(t.size()).isZero();
  }

  @Test
  void putThenGetByIdentity() {
    WeakIdentityTable<String> t = new WeakIdentityTable<>();
    Object k = new Object();
    t.put(k, "v");
    assertThat(t.get(k)).isEqualTo("v");
    assertThat(t.size()).isEqualTo(1);
  }

  @Test
  void equalButDistinctKeysAreDifferentKeys() {
    WeakIdentityTable<String> t = new WeakIdentityTable<>();
    String a1 = new String("a");
    String a2 = new String("a");
    assertThat(a1).isEqualTo(a2).isNotSameAs(a2);

    t.put(a1, "first");
    assertThat(t.get(a1)).isEqualTo("first");
    assertThat(t.get(a2)).isNull();

    t.put(a2, "second");
    assertThat(t.get(a1)).isEqualTo("first");
    assertThat(t.get(a2)).isEqualTo("second");
    assertThat(t.size()).isEqualTo(2);
  }

  @Test
  void putReplacesTheMappingWithoutGrowing() {
    WeakIdentityTable<String> t = new WeakIdentityTable<>();
    Object k = new Object();
    t.put(k, "old");
    t.put(k, "new");
    assertThat(t.get(k)).isEqualTo("new");
    assertThat(t.size()).isEqualTo(1);
  }

  @Test
  void putIfAbsentKeepsTheFirstValueAndReturnsIt() {
    WeakIdentityTable<String> t = new WeakIdentityTable<>();
    Object k = new Object();
    assertThat(t.putIfAbsent(k, "first")).isEqualTo("first");
    assertThat(t.putIfAbsent(k, "second")).isEqualTo("first");
    assertThat(t.get(k)).isEqualTo("first");
    assertThat(t.size()).isEqualTo(1);

    String a1 = new String("a");
    String a2 = new String("a");
    assertThat(t.putIfAbsent(a1, "A1")).isEqualTo("A1");
    assertThat(t.putIfAbsent(a2, "A2")).isEqualTo("A2");
    assertThat(t.size()).isEqualTo(3);
  }

  @Test
  void replacingOneKeyLeavesItsChainNeighboursAlone() {
    // 64 buckets initially: 200 keys share chains. Replace every other key and check them all.
    WeakIdentityTable<Integer> t = new WeakIdentityTable<>();
    List<Object> keys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Object k = new Object();
      keys.add(k);
      t.put(k, i);
    }
    for (int i = 0; i < 200; i += 2) {
      t.put(keys.get(i), -i);
    }
    for (int i = 0; i < 200; i++) {
      assertThat(t.get(keys.get(i))).isEqualTo(i % 2 == 0 ? -i : i);
    }
    assertThat(t.size()).isEqualTo(200);
  }

  @Test
  void hundredThousandKeysSurviveResizes() {
    WeakIdentityTable<Integer> t = new WeakIdentityTable<>();
    int n = 100_000;
    Object[] keys = new Object[n];
    for (int i = 0; i < n; i++) {
      keys[i] = new Object();
      t.put(keys[i], i);
    }
    assertThat(t.size()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(t.get(keys[i])).isEqualTo(i);
    }
    assertThat(t.get(new Object())).isNull();
    // replacing after resizes still finds the single entry
    t.put(keys[12345], -1);
    assertThat(t.get(keys[12345])).isEqualTo(-1);
    assertThat(t.size()).isEqualTo(n);
  }

  @Test
  void unreachableKeysAreDroppedAfterGc() throws InterruptedException {
    WeakIdentityTable<String> t = new WeakIdentityTable<>();
    Object kept = new Object();
    t.put(kept, "kept");
    fillWithGarbageKeys(t, 10_000);
    assertThat(t.size()).isEqualTo(10_001);

    int size = awaitShrink(t, 100);

    assertThat(size).isLessThan(100);
    assertThat(t.get(kept)).isEqualTo("kept");
    // writes keep working after the purge
    Object another = new Object();
    t.put(another, "another");
    assertThat(t.get(another)).isEqualTo("another");
    assertThat(t.get(kept)).isEqualTo("kept");
  }

  @Test
  void valuesDoNotKeepTheirKeysAlive() throws InterruptedException {
    // The value is reachable from the test (held in a list) while its key is not: the key must
    // still be collected, i.e. the table holds keys weakly and nothing in an entry refers to them
    // strongly.
    WeakIdentityTable<Object> t = new WeakIdentityTable<>();
    List<Object> values = new ArrayList<>();
    WeakReference<Object> probe = putUnreachableKey(t, values);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (probe.get() != null && System.nanoTime() < deadline) {
      System.gc();
      byte[][] churn = new byte[64][];
      for (int i = 0; i < churn.length; i++) {
        churn[i] = new byte[64 * 1024];
      }
      Thread.sleep(10);
    }
    assertThat(probe.get()).as("key collected while its value is still reachable").isNull();
    assertThat(awaitShrink(t, 1)).isZero();
    assertThat(values).hasSize(1);
  }

  private static WeakReference<Object> putUnreachableKey(WeakIdentityTable<Object> t, List<Object> values) {
    Object key = new Object();
    Object value = new Object();
    values.add(value);
    t.put(key, value);
    return new WeakReference<>(key);
  }

  private static void fillWithGarbageKeys(WeakIdentityTable<String> t, int n) {
    for (int i = 0; i < n; i++) {
      t.put(new Object(), "v" + i);
    }
  }

  /** GCs until size() drops below {@code bound} or 10 s pass; returns the last size seen. */
  private static int awaitShrink(WeakIdentityTable<?> t, int bound) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int size = t.size();
    while (size >= bound && System.nanoTime() < deadline) {
      System.gc();
      byte[][] churn = new byte[64][];
      for (int i = 0; i < churn.length; i++) {
        churn[i] = new byte[64 * 1024];
      }
      Thread.sleep(10);
      size = t.size();
    }
    return size;
  }
}
