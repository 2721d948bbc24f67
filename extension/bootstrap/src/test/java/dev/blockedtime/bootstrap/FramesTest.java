package dev.blockedtime.bootstrap;

import static dev.blockedtime.bootstrap.FakeFrame.stack;
import static org.assertj.core.api.Assertions.assertThat;

import dev.blockedtime.testsupport.SiteProbe;
import com.bundledlib.BundledLib;
import io.opentelemetry.javaagent.blockedtimetest.AgentProbe;
import io.opentelemetry.javaagent.blockedtimetest.FakeAgentClassLoader;
import java.lang.StackWalker.StackFrame;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FramesTest {
  /** Overloads, so that the descriptors of two frames of one method name differ. */
  private static List<String[]> frames(String s) {
    return walk();
  }

  private static List<String[]> frames(int i) {
    return walk();
  }

  private static List<String[]> walk() {
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(s -> s.limit(12)
            .map((StackFrame f) -> new String[] {f.getMethodName(), Frames.descriptor(f), f.getDescriptor()})
            .collect(Collectors.toList()));
  }

  @Test
  void aFramesDescriptorIsTheOneTheJdkGives() {
    List<String[]> all = new ArrayList<>(frames("x"));
    all.addAll(frames(1));
    for (String[] f : all) {
      assertThat(f[1]).as(f[0]).isEqualTo(f[2]);
    }
    assertThat(all).anySatisfy(f -> assertThat(f[1]).isEqualTo("(Ljava/lang/String;)Ljava/util/List;"));
    assertThat(all).anySatisfy(f -> assertThat(f[1]).isEqualTo("(I)Ljava/util/List;"));
    // JDK 22 and later: read from the frame, not resolved (the test JVM opens java.lang, as the
    // extension does for the core)
    assertThat(Frames.readsRawDescriptors()).isEqualTo(Runtime.version().feature() >= 22);
  }

  /** The identity of this method's frame, from a walk; overloaded like {@link #frames}. */
  private static Object methodId(String s) {
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(st -> Frames.methodId(st.findFirst().orElseThrow()));
  }

  private static Object methodId(int i) {
    return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(st -> Frames.methodId(st.findFirst().orElseThrow()));
  }

  @Test
  void aMethodsFramesAreIdentifiedByOneObjectInEveryWalk() {
    // the test JVM opens java.lang and java.lang.invoke, as the extension does for the core
    assertThat(Frames.identifiesMethods()).isTrue();
    Object first = methodId("x");
    assertThat(first).isNotNull();
    assertThat(methodId("y")).isSameAs(first);
    assertThat(methodId(1)).isNotNull().isNotSameAs(first); // an overload is another method
    // a frame the JDK did not make has none: the cache compares its names
    assertThat(Frames.methodId(new FakeFrame(Integer.class, "run", "(I)V", 4, 10))).isNull();
  }

  // ------------------------------------------------------------------ hash

  /** FNV-1a 64 over UTF-8, written independently with BigInteger arithmetic modulo 2^64. */
  private static String fnv1a64(String text) {
    BigInteger mod = BigInteger.ONE.shiftLeft(64);
    BigInteger prime = new BigInteger("100000001b3", 16);
    BigInteger h = new BigInteger("cbf29ce484222325", 16);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h = h.xor(BigInteger.valueOf(b & 0xff)).multiply(prime).mod(mod);
    }
    String hex = h.toString(16);
    return "0".repeat(16 - hex.length()) + hex;
  }

  @Test
  void hashIsFnv1a64OfTheUtf8TextPinnedToKnownValues() {
    // Published FNV-1a 64 test vectors, and one stack line: a change of algorithm fails here.
    assertThat(Frames.StackInfo.hash("")).isEqualTo("cbf29ce484222325");
    assertThat(Frames.StackInfo.hash("a")).isEqualTo("af63dc4c8601ec8c");
    assertThat(Frames.StackInfo.hash("foobar")).isEqualTo("85944171f73967e8");
    assertThat(Frames.StackInfo.hash("com.acme.App.main:10")).isEqualTo("9e32470e306839cd");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a",
        "foobar",
        "com.acme.App.main:10",
        "com.acme.App.main:10\njava.lang.Thread.run:833",
        "ünïcødé.Klass.méthod:1",
        "日本.Class.run:7",
        "frame1320",
      })
  void hashMatchesAnIndependentImplementation(String text) {
    assertThat(Frames.StackInfo.hash(text)).isEqualTo(fnv1a64(text));
  }

  @Test
  void hashIsSixteenLowercaseHexDigitsEvenWithLeadingZeros() {
    // FNV-1a of "frame1320" is 0x000fb81cca2d9d70: three leading zero digits must be kept.
    assertThat(Frames.StackInfo.hash("frame1320")).isEqualTo("000fb81cca2d9d70");
    for (int i = 0; i < 2000; i++) {
      assertThat(Frames.StackInfo.hash("frame" + i)).matches("[0-9a-f]{16}");
    }
  }

  @Test
  void hashIsDeterministicAndDiffersForDifferentText() {
    String text = "com.acme.App.main:10\njava.lang.Thread.run:833";
    assertThat(Frames.StackInfo.hash(text)).isEqualTo(Frames.StackInfo.hash(new String(text)));
    assertThat(Frames.StackInfo.hash("com.acme.App.main:10"))
        .isNotEqualTo(Frames.StackInfo.hash("com.acme.App.main:11"));
    assertThat(Frames.StackInfo.hash("a\nb")).isNotEqualTo(Frames.StackInfo.hash("b\na"));
  }

  @Test
  void stackInfoJoinsLinesWithNewlinesAndHashesThatText() {
    Frames.StackInfo info = Frames.StackInfo.of(List.of("com.acme.A.b:1", "com.acme.C.d:2"));
    assertThat(info.text).isEqualTo("com.acme.A.b:1\ncom.acme.C.d:2");
    assertThat(info.hash).isEqualTo(fnv1a64("com.acme.A.b:1\ncom.acme.C.d:2"));
  }

  // ------------------------------------------------------------------ classification

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.lang.Thread",
        "java.util.concurrent.ArrayBlockingQueue",
        "javax.net.ssl.SSLSocket",
        "jdk.internal.misc.Unsafe",
        "sun.nio.ch.EPoll",
        "com.sun.proxy.$Proxy1",
      })
  void jdkClasses(String cls) {
    assertThat(Frames.isJdk(cls)).isTrue();
    assertThat(Frames.isAgent(cls)).isFalse();
    assertThat(Frames.isOwn(cls)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "javafx.Foo",
        "javaxyz.Foo",
        "jdkx.Foo",
        "sunny.Day",
        "com.sunshine.Foo",
        "com.acme.java.Foo",
        "org.junit.Test",
        "Foo",
      })
  void notJdkClasses(String cls) {
    assertThat(Frames.isJdk(cls)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev.blockedtime.bootstrap.Frames",
        "dev.blockedtime.bootstrap.BlockedTime",
        "dev.blockedtime.javaagent.Startup",
        "dev.blockedtime.javaagent.telemetry.OtelRecorder",
        "dev.blockedtime.javaagent.instrumentation.QueueInstrumentation$UntimedAdvice",
      })
  void ownClassesAreOwnAndAgent(String cls) {
    assertThat(Frames.isOwn(cls)).isTrue();
    assertThat(Frames.isAgent(cls)).isTrue();
    assertThat(Frames.isJdk(cls)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "io.opentelemetry.javaagent.bootstrap.AgentInitializer",
        "io.opentelemetry.javaagent.shaded.io.opentelemetry.api.GlobalOpenTelemetry",
        "io.opentelemetry.javaagent.tooling.AgentInstaller",
      })
  void agentClassesAreAgentButNotOwn(String cls) {
    assertThat(Frames.isAgent(cls)).isTrue();
    assertThat(Frames.isOwn(cls)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev.blockedtime.e2e.QueueWaitsTest",
        "dev.blockedtime.e2e.scenarios.QueueScenario",
        "dev.blockedtime.demo.OrderService",
        "dev.blockedtime.testsupport.SiteProbe",
        "dev.blockedtime.Main",
        "dev.blockedtime.bootstrapper.Thing", // shares a prefix, not the package
        "dev.blockedtime.javaagentx.Thing",
        "io.opentelemetry.api.trace.Span", // the application's own OpenTelemetry API
        "io.opentelemetry.javaagentx.Foo",
        "com.acme.App",
      })
  void applicationClassesAreNeitherAgentNorOwn(String cls) {
    assertThat(Frames.isAgent(cls)).isFalse();
    assertThat(Frames.isOwn(cls)).isFalse();
    assertThat(Frames.isJdk(cls)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.util.concurrent.locks.LockSupport",
        "java.util.concurrent.locks.AbstractQueuedSynchronizer",
        "java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject",
        "java.util.concurrent.locks.ReentrantLock$Sync",
        "java.util.concurrent.ArrayBlockingQueue",
        "java.util.concurrent.LinkedBlockingQueue",
        "java.util.concurrent.LinkedBlockingDeque",
        "java.util.concurrent.PriorityBlockingQueue",
        "java.util.concurrent.DelayQueue",
        "java.util.concurrent.SynchronousQueue$TransferStack",
        "java.util.concurrent.LinkedTransferQueue",
        "java.util.concurrent.CountDownLatch$Sync",
        "java.util.concurrent.CyclicBarrier",
        "java.util.concurrent.Phaser",
        "java.util.concurrent.Semaphore$NonfairSync",
        "java.util.concurrent.ForkJoinPool",
        "java.util.AbstractQueue",
      })
  void waitMachinery(String cls) {
    assertThat(Frames.isWaitMachinery(cls)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.util.concurrent.ThreadPoolExecutor",
        "java.util.concurrent.FutureTask",
        "java.util.concurrent.ConcurrentHashMap",
        "java.lang.Thread",
        "java.lang.Object",
        "com.acme.App",
        "dev.blockedtime.bootstrap.BlockedTime",
      })
  void notWaitMachinery(String cls) {
    assertThat(Frames.isWaitMachinery(cls)).isFalse();
  }

  // ------------------------------------------------------------------ allocationSite over synthetic stacks

  @Test
  void allocationSiteSkipsOwnHookFramesAndJdkFrames() {
    assertThat(
            Frames.allocationSite(
                stack(
                    "dev.blockedtime.bootstrap.Frames.allocationSite:81",
                    "dev.blockedtime.bootstrap.Resources.registerQueue:50",
                    "dev.blockedtime.bootstrap.BlockedTime.queueCreated:56",
                    "java.util.concurrent.ArrayBlockingQueue.<init>:270",
                    "java.util.concurrent.ArrayBlockingQueue.<init>:250",
                    "com.acme.Orders.<init>:42",
                    "com.acme.App.main:10")))
        .isEqualTo("com.acme.Orders.<init>:42");
  }

  @Test
  void allocationSiteInTestAndDemoPackagesIsTheApplications() {
    assertThat(
            Frames.allocationSite(
                stack(
                    "dev.blockedtime.bootstrap.Frames.allocationSite:81",
                    "java.util.concurrent.LinkedBlockingQueue.<init>:1",
                    "dev.blockedtime.e2e.scenarios.QueueScenario.main:17")))
        .isEqualTo("dev.blockedtime.e2e.scenarios.QueueScenario.main:17");
    assertThat(
            Frames.allocationSite(
                stack(
                    "dev.blockedtime.bootstrap.Frames.allocationSite:81",
                    "dev.blockedtime.demo.OrderService.<init>:33")))
        .isEqualTo("dev.blockedtime.demo.OrderService.<init>:33");
  }

  @Test
  void allocationSiteOfTheAgentsOrOurOwnResourcesIsAgentOwned() {
    assertThat(
            Frames.allocationSite(
                stack(
                    "dev.blockedtime.bootstrap.Frames.allocationSite:81",
                    "java.util.concurrent.ArrayBlockingQueue.<init>:1",
                    "io.opentelemetry.javaagent.shaded.Foo.bar:5",
                    "com.acme.App.main:10")))
        .isSameAs(Frames.AGENT_OWNED);
    // Our own frames below a JDK frame are not hook frames: the resource is ours.
    assertThat(
            Frames.allocationSite(
                stack(
                    "dev.blockedtime.bootstrap.Frames.allocationSite:81",
                    "java.util.concurrent.ArrayBlockingQueue.<init>:1",
                    "dev.blockedtime.javaagent.telemetry.OtelRecorder.<init>:9",
                    "com.acme.App.main:10")))
        .isSameAs(Frames.AGENT_OWNED);
  }

  @Test
  void allocationSiteIsNullWhenOnlyJdkFramesRemain() {
    assertThat(
            Frames.allocationSite(
                stack(
                    "dev.blockedtime.bootstrap.Frames.allocationSite:81",
                    "java.util.concurrent.LinkedBlockingQueue.<init>:1",
                    "java.util.concurrent.ThreadPoolExecutor.<init>:2",
                    "java.lang.Thread.run:833")))
        .isNull();
    assertThat(Frames.allocationSite(stack())).isNull();
  }

  @Test
  void allocationSiteWithoutHookFramesIsTheFirstApplicationFrame() {
    assertThat(Frames.allocationSite(stack("com.acme.A.b:1", "com.acme.C.d:2"))).isEqualTo("com.acme.A.b:1");
  }

  @Test
  void allocationSiteLooksAtMost64Frames() {
    List<String> frames = new ArrayList<>();
    frames.add("dev.blockedtime.bootstrap.Frames.allocationSite:81");
    for (int i = 0; i < 63; i++) {
      frames.add("java.util.Deep.call:" + i);
    }
    frames.add("com.acme.TooDeep.main:1"); // the 65th frame
    assertThat(Frames.allocationSite(frames.stream().map(FakeFrame::of).map(f -> (StackWalker.StackFrame) f)))
        .isNull();
    frames.remove(1); // now the 64th
    assertThat(Frames.allocationSite(frames.stream().map(FakeFrame::of).map(f -> (StackWalker.StackFrame) f)))
        .isEqualTo("com.acme.TooDeep.main:1");
  }

  // ------------------------------------------------------------------ waitingFrames over synthetic stacks

  private static final String[] PUT_THAT_WAITS = {
    "dev.blockedtime.bootstrap.Frames.waitingStack:107",
    "dev.blockedtime.bootstrap.BlockedTime.finish:279",
    "dev.blockedtime.bootstrap.BlockedTime.opExit:103",
    "java.util.concurrent.ArrayBlockingQueue.put:370",
    "com.acme.Producer.produce:20",
    "com.acme.Producer.run:12",
    "dev.blockedtime.bootstrap.Helper.x:1", // own frames past the start are kept
    "java.util.concurrent.locks.Fake.y:2", // so are machinery frames
    "java.lang.Thread.run:833",
  };

  @Test
  void waitingFramesStartAtTheCallerOfTheOperation() {
    assertThat(Frames.waitingFrames(stack(PUT_THAT_WAITS), 8))
        .containsExactly(
            "com.acme.Producer.produce:20",
            "com.acme.Producer.run:12",
            "dev.blockedtime.bootstrap.Helper.x:1",
            "java.util.concurrent.locks.Fake.y:2",
            "java.lang.Thread.run:833");
  }

  @Test
  void waitingFramesHaveAtMostDepthFrames() {
    assertThat(Frames.waitingFrames(stack(PUT_THAT_WAITS), 1)).containsExactly("com.acme.Producer.produce:20");
    assertThat(Frames.waitingFrames(stack(PUT_THAT_WAITS), 2))
        .containsExactly("com.acme.Producer.produce:20", "com.acme.Producer.run:12");
    assertThat(Frames.waitingFrames(stack(PUT_THAT_WAITS), 64)).hasSize(5);
  }

  @Test
  void waitingFramesSkipTheWholeLockMachineryOfAStandaloneContendedWait() {
    assertThat(
            Frames.waitingFrames(
                stack(
                    "dev.blockedtime.bootstrap.Frames.waitingStack:107",
                    "dev.blockedtime.bootstrap.BlockedTime.waitEnd:143",
                    "java.util.concurrent.locks.AbstractQueuedSynchronizer.acquire:715",
                    "java.util.concurrent.locks.ReentrantLock$Sync.lock:153",
                    "java.util.concurrent.locks.ReentrantLock.lock:322",
                    "java.util.concurrent.ArrayBlockingQueue.offer:326",
                    "java.util.AbstractQueue.add:95",
                    "java.util.concurrent.ArrayBlockingQueue.add:311",
                    "com.acme.Submitter.submit:30",
                    "java.lang.Thread.run:833"),
                8))
        .containsExactly("com.acme.Submitter.submit:30", "java.lang.Thread.run:833");
  }

  @Test
  void waitingFramesStartAtAJdkCallerThatIsNotWaitMachinery() {
    assertThat(
            Frames.waitingFrames(
                stack(
                    "dev.blockedtime.bootstrap.BlockedTime.opExit:103",
                    "java.util.concurrent.LinkedBlockingQueue.take:435",
                    "java.util.concurrent.ThreadPoolExecutor.getTask:1062",
                    "java.util.concurrent.ThreadPoolExecutor.runWorker:1122"),
                8))
        .containsExactly(
            "java.util.concurrent.ThreadPoolExecutor.getTask:1062",
            "java.util.concurrent.ThreadPoolExecutor.runWorker:1122");
  }

  @Test
  void waitingFramesAreEmptyWhenOnlyMachineryIsOnTheStack() {
    assertThat(
            Frames.waitingFrames(
                stack(
                    "dev.blockedtime.bootstrap.BlockedTime.opExit:103",
                    "java.util.concurrent.locks.LockSupport.park:1"),
                8))
        .isEmpty();
  }

  /** A stack of {@code skipped} lock-machinery frames above {@code kept} application frames. */
  private static String[] machineryAbove(int skipped, int kept) {
    String[] frames = new String[skipped + kept];
    for (int i = 0; i < skipped; i++) {
      frames[i] = "java.util.concurrent.locks.AbstractQueuedSynchronizer.acquire:" + (i + 1);
    }
    for (int i = 0; i < kept; i++) {
      frames[skipped + i] = "com.acme.Worker.step:" + (i + 1);
    }
    return frames;
  }

  @Test
  void aWaitingWalkReadsNoFramePastTheLastItKeeps() {
    // the walker fetches frames from the VM in batches: a frame asked for past the last one kept
    // can cost another batch
    int[] read = {0};
    List<String> kept =
        Frames.waitingFrames(stack(machineryAbove(3, 10)).peek(f -> read[0]++), 8);
    assertThat(kept).hasSize(8);
    assertThat(read[0]).isEqualTo(11);
  }

  @Test
  void aWaitsWalkAsksForAsManyFramesAsTheMostAWalkReadAtMostSixteenBeyondItsDepth() {
    Frames.waitingFrames(stack(machineryAbove(5, 8)), 8);
    assertThat(Frames.walkFramesRead()).isGreaterThanOrEqualTo(13);
    int before = Frames.walkFramesRead();
    Frames.waitingFrames(stack(machineryAbove(1, 8)), 8); // fewer: it stays
    assertThat(Frames.walkFramesRead()).isEqualTo(before);
    Frames.waitingFrames(stack(machineryAbove(40, 8)), 8); // a deep wait: 8 + 16 at most
    assertThat(Frames.walkFramesRead()).isEqualTo(Math.max(before, 24));
    // a real walk: the same frames whatever the first batch's size
    List<String> sized = Frames.waitingWalker().walk(f -> Frames.waitingFrames(f, 3));
    List<String> plain = StackWalker.getInstance().walk(f -> Frames.waitingFrames(f, 3));
    assertThat(sized).hasSize(3).isEqualTo(plain);
  }

  // ------------------------------------------------------------------ real stacks, called from outside the core

  @Test
  void allocationSiteCalledFromApplicationCodeNamesThatLine() {
    String[] r = SiteProbe.allocationSiteHere();
    assertThat(r[0]).startsWith("dev.blockedtime.testsupport.SiteProbe.allocationSiteHere:");
    assertThat(r[0]).isEqualTo(r[1]);
  }

  @Test
  void allocationSiteSkipsJdkFramesBetweenTheCoreAndTheApplication() {
    String[] r = SiteProbe.allocationSiteThroughJdk();
    assertThat(r[0]).startsWith("dev.blockedtime.testsupport.SiteProbe.allocationSiteThroughJdk:");
    assertThat(r[0]).isEqualTo(r[1]);
  }

  @Test
  void allocationSiteOfAResourceTheAgentMakesIsAgentOwned() {
    assertThat(AgentProbe.allocationSite()).isSameAs(Frames.AGENT_OWNED);
  }

  @Test
  void allocationSiteOnAThreadWithOnlyJdkFramesIsNull() throws Exception {
    assertThat(SiteProbe.allocationSiteOnJdkOnlyThread()).isNull();
  }

  @Test
  void allocationSiteCalledFromTheCoresOwnPackageSkipsItAsOwn() {
    // This test class is in dev.blockedtime.bootstrap: its frame counts as a hook frame, so the
    // site is whatever called it (JUnit), never this class.
    String site = Frames.allocationSite();
    assertThat(site).isNotNull().doesNotStartWith("dev.blockedtime.bootstrap.");
  }

  @Test
  void waitingStackStartsAtTheFirstFrameOutsideTheCore() {
    String[] r = SiteProbe.waitingStackHere(8);
    String hash = r[0];
    String text = r[1];
    String[] lines = text.split("\n");
    assertThat(lines[0]).isEqualTo(r[2]);
    assertThat(lines[0]).startsWith("dev.blockedtime.testsupport.SiteProbe.waitingStackHere:");
    // The next frame is this test method (ours, but no longer leading: kept).
    assertThat(lines[1]).startsWith(FramesTest.class.getName() + ".waitingStackStartsAtTheFirstFrameOutsideTheCore:");
    assertThat(lines).hasSizeLessThanOrEqualTo(8);
    assertThat(lines).hasSize(8); // JUnit puts far more than 8 frames under us
    assertThat(hash).isEqualTo(fnv1a64(text));
  }

  @Test
  void waitingStackHasAtMostDepthFrames() {
    // JUnit puts dozens of frames under every test, so a small depth is always filled exactly.
    for (int depth : new int[] {1, 2, 3, 5, 8, 16}) {
      String text = SiteProbe.waitingStackHere(depth)[1];
      assertThat(text.split("\n")).hasSize(depth);
    }
    assertThat(SiteProbe.waitingStackHere(64)[1].split("\n")).hasSizeLessThanOrEqualTo(64);
    String[] nested = SiteProbe.waitingStackNested(2);
    assertThat(nested[1].split("\n")).containsExactly(nested[2], nested[3]);
  }

  @Test
  void sameCallSiteGivesTheSameHashOnRepeatedCalls() {
    List<String> hashes = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Frames.StackInfo info = SiteProbe.waitingStackFixedSite(8);
      hashes.add(info.hash);
      texts.add(info.text);
    }
    assertThat(hashes).containsOnly(hashes.get(0));
    assertThat(texts).containsOnly(texts.get(0));
    assertThat(hashes.get(0)).matches("[0-9a-f]{16}");
  }

  @Test
  void differentCallSitesGiveDifferentHashes() {
    Frames.StackInfo a = SiteProbe.waitingStackFixedSite(8);
    Frames.StackInfo b = SiteProbe.waitingStackFixedSite(8);
    // Same probe line, different caller line in this method: the second frame differs.
    assertThat(a.text.split("\n")[0]).isEqualTo(b.text.split("\n")[0]);
    assertThat(a.hash).isNotEqualTo(b.hash);
    // With depth 1 only the probe line is hashed: equal.
    Frames.StackInfo c = SiteProbe.waitingStackFixedSite(1);
    Frames.StackInfo d = SiteProbe.waitingStackFixedSite(1);
    assertThat(c.hash).isEqualTo(d.hash);
    assertThat(Collections.frequency(Arrays.asList(c.text.split("\n")), c.text)).isEqualTo(1);
  }

  @Test
  void waitingStackCalledOnlyFromTheCoresPackagesStillStartsOutsideThem() {
    // Called from this (core-package) test class: this frame is skipped as own, the first line is
    // the JUnit/reflection machinery that called the test method.
    Frames.StackInfo info = Frames.waitingStack(3);
    assertThat(info).isNotNull();
    assertThat(info.text.split("\n")[0]).doesNotStartWith("dev.blockedtime.bootstrap.");
  }

  // ------------------------------------------------------------------ the agent's bundled libraries

  @Test
  void libraryLoadedByTheApplicationIsTheApplicationsSite() {
    String[] r = BundledLib.site();
    assertThat(r[0]).startsWith("com.bundledlib.BundledLib.site:").isEqualTo(r[1]);
  }

  @Test
  void sameLibraryDefinedByTheAgentsClassLoaderIsAgentOwned() throws Exception {
    ClassLoader agent = new FakeAgentClassLoader(getClass().getClassLoader(), BundledLib.class.getName());
    Class<?> bundled = Class.forName(BundledLib.class.getName(), true, agent);
    assertThat(bundled).isNotSameAs(BundledLib.class);
    assertThat(bundled.getClassLoader()).isSameAs(agent);
    String[] r = (String[]) bundled.getMethod("site").invoke(null);
    assertThat(r[0]).isSameAs(Frames.AGENT_OWNED);
  }

  @Test
  void syntheticFramesWithoutClassReferencesAreJudgedByNameOnly() {
    // FakeFrame.getDeclaringClass throws UnsupportedOperationException, as a walker without
    // RETAIN_CLASS_REFERENCE does: classification falls back to names.
    assertThat(Frames.isAgentLoaded(FakeFrame.of("okhttp3.OkHttpClient.<init>:1"))).isFalse();
    assertThat(Frames.allocationSite(stack("okhttp3.OkHttpClient.<init>:1"))).isEqualTo("okhttp3.OkHttpClient.<init>:1");
  }

  // ------------------------------------------------------------------ subclasses

  @Test
  void aSubclassIsNamedWhereTheApplicationConstructedItNotByItsConstructor() {
    String[] r = SiteProbe.subclassSiteHere();
    assertThat(r[0]).startsWith("dev.blockedtime.testsupport.SiteProbe.subclassSiteHere:").isEqualTo(r[1]);
    String[] deeper = SiteProbe.subSubclassSiteHere();
    assertThat(deeper[0]).isEqualTo(deeper[1]);
    assertThat(deeper[0]).isNotEqualTo(r[0]);
  }
}
