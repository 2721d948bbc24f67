package dev.blockedtime.javaagent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.bootstrap.ResourceName;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NameSeriesTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static ResourceName name() {
    return ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", "NameSeriesTest:" + NAMES.incrementAndGet());
  }

  private static Attributes attrs(String v) {
    return Attributes.of(AttributeKey.stringKey("k"), v);
  }

  @Test
  void aSeriesIsFoundByIdentityOnceRemembered() {
    ResourceName name = name();
    Attributes a = attrs("a");
    assertThat(NameSeries.find(name, "put", "full", "ok", null)).isNull();
    NameSeries.remember(name, "put", "full", "ok", null, a);
    assertThat(NameSeries.find(name, "put", "full", "ok", null)).isSameAs(a);
    // every field tells series apart
    assertThat(NameSeries.find(name, "take", "full", "ok", null)).isNull();
    assertThat(NameSeries.find(name, "put", "empty", "ok", null)).isNull();
    assertThat(NameSeries.find(name, "put", "full", "timeout", null)).isNull();
    assertThat(NameSeries.find(name, "put", "full", "ok", "0123abcd")).isNull();
    assertThat(NameSeries.find(name(), "put", "full", "ok", null)).isNull();
  }

  @Test
  void equalStringsThatAreOtherInstancesAreLeftToTheMapAndTakeNoSlot() {
    ResourceName name = name();
    String hash = "0123abcd";
    NameSeries.remember(name, "put", "full", "ok", hash, attrs("a"));
    String sameHash = new String(hash.toCharArray());
    assertThat(NameSeries.find(name, "put", "full", "ok", sameHash)).isNull();
    NameSeries.remember(name, "put", "full", "ok", sameHash, attrs("a"));
    assertThat(NameSeries.size(name)).isEqualTo(1);
  }

  @Test
  void aNameKeepsAtMostItsFirstSeries() {
    ResourceName name = name();
    for (int i = 0; i < 3 * NameSeries.MAX_SERIES; i++) {
      NameSeries.remember(name, "put", "full", "ok", "hash" + i, attrs("s" + i));
    }
    assertThat(NameSeries.size(name)).isEqualTo(NameSeries.MAX_SERIES);
  }

  @Test
  void aSlotHoldingSomethingElseIsLeftAlone() {
    ResourceName executor = ResourceName.of(ResourceName.Kind.EXECUTOR, "ThreadPoolExecutor", "NameSeriesTest:pool");
    Attributes executorAttrs = attrs("pool");
    executor.bridgeCache = executorAttrs;
    NameSeries.remember(executor, "put", "full", "ok", null, attrs("a"));
    assertThat(executor.bridgeCache).isSameAs(executorAttrs);
    assertThat(NameSeries.find(executor, "put", "full", "ok", null)).isNull();
  }
}
