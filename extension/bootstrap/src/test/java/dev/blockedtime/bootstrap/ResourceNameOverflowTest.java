package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fills the static name table. Kept in its own class (and surefire forks a JVM per class) so that
 * no other test sees a full table.
 */
class ResourceNameOverflowTest {
  @RegisterExtension final LogCapture log = new LogCapture();

  @Test
  void pastMaxNamesNewNamesShareTheOverflowName() {
    String prefix = "overflow-" + System.nanoTime() + "-";
    ResourceName early = ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", prefix + "early");
    int needed = ResourceName.MAX_NAMES - ResourceName.count();
    for (int i = 0; i < needed; i++) {
      ResourceName n = ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", prefix + i);
      assertThat(n.name).isEqualTo(prefix + i);
    }
    assertThat(ResourceName.count()).isEqualTo(ResourceName.MAX_NAMES);
    assertThat(log.lines()).isEmpty();

    ResourceName over1 = ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", prefix + "new-1");
    ResourceName over2 = ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", prefix + "new-2");

    assertThat(over1.name).isEqualTo(ResourceName.OVERFLOW).isEqualTo("_other");
    assertThat(over1.kind).isEqualTo(ResourceName.Kind.QUEUE);
    assertThat(over1.type).isEqualTo("ArrayBlockingQueue");
    assertThat(over2).isSameAs(over1);

    // Kind and type are kept: the overflow series stay separate per kind and type.
    ResourceName otherType = ResourceName.of(ResourceName.Kind.QUEUE, "LinkedBlockingQueue", prefix + "new-3");
    assertThat(otherType.name).isEqualTo("_other");
    assertThat(otherType.type).isEqualTo("LinkedBlockingQueue");
    assertThat(otherType).isNotSameAs(over1);
    ResourceName lock = ResourceName.of(ResourceName.Kind.LOCK, "ArrayBlockingQueue", prefix + "new-4");
    assertThat(lock.kind).isEqualTo(ResourceName.Kind.LOCK);
    assertThat(lock.name).isEqualTo("_other");

    // Names already held still resolve to themselves.
    assertThat(ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", prefix + "early")).isSameAs(early);
    assertThat(ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", prefix + 0).name)
        .isEqualTo(prefix + 0);

    // Bounded: only the overflow names were added.
    int afterOverflow = ResourceName.count();
    for (int i = 0; i < 500; i++) {
      ResourceName.of(ResourceName.Kind.QUEUE, "ArrayBlockingQueue", prefix + "more-" + i);
    }
    assertThat(ResourceName.count()).isEqualTo(afterOverflow);
    assertThat(afterOverflow).isEqualTo(ResourceName.MAX_NAMES + 3);

    // One warning, once.
    assertThat(log.lines())
        .containsExactly(
            "WARN more than " + ResourceName.MAX_NAMES + " distinct resource names; further ones are recorded as _other");
  }
}
