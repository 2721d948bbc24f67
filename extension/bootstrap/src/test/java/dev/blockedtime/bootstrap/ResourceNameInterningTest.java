package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceNameInterningTest {
  private static final String P = "interning-" + System.nanoTime() + "-";

  @Test
  void sameArgumentsGiveTheSameInstance() {
    ResourceName a = ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", P + "com.acme.A.b:1");
    ResourceName b =
        ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", new String(P + "com.acme.A.b:1"));
    assertThat(b).isSameAs(a);
    assertThat(a.kind).isEqualTo(ResourceName.Kind.QUEUE);
    assertThat(a.type).isEqualTo("ArrayBlockingQueue");
    assertThat(a.name).isEqualTo(P + "com.acme.A.b:1");
    assertThat(a.toString()).isEqualTo("QUEUE ArrayBlockingQueue " + P + "com.acme.A.b:1");
  }

  @Test
  void anyDifferenceGivesADifferentInstance() {
    ResourceName base = ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", P + "x");
    assertThat(ResourceName.of(ResourceName.Kind.LOCK, "ArrayBlockingQueue", P + "x")).isNotSameAs(base);
    assertThat(ResourceName.of(ResourceName.Kind.QUEUE, "LinkedBlockingQueue", P + "x")).isNotSameAs(base);
    assertThat(ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", P + "y")).isNotSameAs(base);
  }

  @Test
  void namesMayContainTheSeparator() {
    // An alias is free text; the interning key joins kind, type and name with '|'.
    ResourceName piped = ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", P + "a|b");
    ResourceName plain = ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", P + "a");
    assertThat(piped.name).isEqualTo(P + "a|b");
    assertThat(piped).isNotSameAs(plain);
  }

  @Test
  void countGrowsByOnePerDistinctName() {
    int before = ResourceName.count();
    ResourceName.of(ResourceName.Kind.LOCK, "ReentrantLock", P + "count-1");
    ResourceName.of(ResourceName.Kind.LOCK, "ReentrantLock", P + "count-1");
    ResourceName.of(ResourceName.Kind.LOCK, "ReentrantLock", P + "count-2");
    assertThat(ResourceName.count()).isEqualTo(before + 2);
  }
}
