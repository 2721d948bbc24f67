package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.testsupport.SiteProbe;
import java.lang.StackWalker.StackFrame;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A waiting stack found in the cache is the one the walk would have built: the cache tells frames
 * apart by class, method name, descriptor and bytecode index, and forgets a stack after its age.
 */
class StackCacheTest {
  private static final long SECOND = 1_000_000_000L;

  @BeforeEach
  void empty() {
    StackCache.clear();
  }

  @Test
  void aRealStackSeenAgainComesFromTheCacheWithTheSameTextAndHash() {
    Frames.StackInfo[] seen = new Frames.StackInfo[4];
    for (int i = 0; i < seen.length; i++) {
      if (i == 3) {
        StackCache.clear(); // the last one is built again
      }
      seen[i] = SiteProbe.waitingStackFixedSite(8); // one call site, the same stack each time
    }
    assertThat(seen[1]).isSameAs(seen[0]);
    assertThat(seen[2]).isSameAs(seen[0]);
    assertThat(seen[0].text.split("\n")[0]).startsWith("dev.blockedtime.testsupport.SiteProbe.waitingStackFixedSite:");
    assertThat(seen[0].hash).isEqualTo(Frames.StackInfo.hash(seen[0].text));
    assertThat(seen[3]).isNotSameAs(seen[0]);
    assertThat(seen[3].text).isEqualTo(seen[0].text);
  }

  @Test
  void framesThatDifferInAnyPartOfTheirMethodOrIndexAreDifferentStacks() {
    FakeFrame caller = new FakeFrame(String.class, "main", "([Ljava/lang/String;)V", 7, 30);
    FakeFrame a = new FakeFrame(Integer.class, "run", "(I)V", 4, 10);
    StackFrame[][] variants = {
      {a, caller},
      {new FakeFrame(Integer.class, "run", "(J)V", 4, 11), caller}, // an overload: same name and index
      {new FakeFrame(Integer.class, "run", "(I)V", 5, 12), caller}, // another call in the same method
      {new FakeFrame(Long.class, "run", "(I)V", 4, 13), caller}, // another class
      {new FakeFrame(Integer.class, "walk", "(I)V", 4, 14), caller}, // another method
    };
    for (StackFrame[] stack : variants) {
      Frames.StackInfo first = StackCache.lookup(stack, 2, 0);
      assertThat(first.text).isEqualTo(String.join("\n", Frames.waitingFrames(List.of(stack).stream(), 8)));
    }
    for (StackFrame[] stack : variants) {
      Frames.StackInfo again = StackCache.lookup(stack, 2, SECOND);
      assertThat(again.text).isEqualTo(String.join("\n", Frames.waitingFrames(List.of(stack).stream(), 8)));
    }
    assertThat(StackCache.lookup(variants[0], 1, SECOND).text).isEqualTo(a.line());
  }

  @Test
  void aStackIsBuiltAgainAfterItsAge() {
    StackFrame[] stack = {new FakeFrame(Integer.class, "run", "(I)V", 4, 10)};
    Frames.StackInfo first = StackCache.lookup(stack, 1, 0);
    assertThat(StackCache.lookup(stack, 1, StackCache.MAX_AGE_SECONDS * SECOND - 1)).isSameAs(first);
    assertThat(StackCache.lookup(stack, 1, StackCache.MAX_AGE_SECONDS * SECOND)).isNotSameAs(first);
  }

  @Test
  void aStackWithANativeFrameOrWithoutClassesIsNeverCached() {
    StackFrame[] nativeFrame = {new FakeFrame(Integer.class, "run", "(I)V", -1, -2)};
    assertThat(StackCache.lookup(nativeFrame, 1, 0)).isNotSameAs(StackCache.lookup(nativeFrame, 1, 0));
    StackFrame[] noClass = {FakeFrame.of("com.acme.App.main:10")};
    Frames.StackInfo first = StackCache.lookup(noClass, 1, 0);
    assertThat(first.text).isEqualTo("com.acme.App.main:10");
    assertThat(StackCache.lookup(noClass, 1, 0)).isNotSameAs(first);
  }
}
