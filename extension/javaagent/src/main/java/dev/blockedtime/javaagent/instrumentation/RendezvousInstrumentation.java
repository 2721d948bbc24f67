package dev.blockedtime.javaagent.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.ThreadState;
import dev.blockedtime.bootstrap.WaitCalls;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Where {@code SynchronousQueue} and {@code LinkedTransferQueue} wait for a partner, which
 * differs between JDK 17 and 25 (each matcher below finds its methods on one of them only):
 *
 * <ul>
 *   <li>JDK 25: both queues wait in {@code LinkedTransferQueue.DualNode.await}, which spins for a
 *       partner first and announces its park with {@code LockSupport.setCurrentBlocker}: that call
 *       is substituted, so the many calls that find their partner while they spin pay nothing
 *       (advice at the method's entry cost each of them 60-500 ns: 8 million calls and 1-2 s a
 *       run in the SynchronousQueue part of issue #10's program, for fewer than 200,000 parks);
 *   <li>JDK 17: {@code LinkedTransferQueue} waits in {@code awaitMatch}, which runs only when no
 *       partner was there and does not spin, so it is marked at its entry (in the
 *       LinkedTransferQueue part of issue #10's program alone: 778-1,898 calls a run for
 *       517-1,042 waits). {@code SynchronousQueue} waits inside
 *       {@code TransferStack.transfer} and {@code TransferQueue.transfer}, which every operation
 *       runs, so there the two parks themselves are substituted.
 * </ul>
 *
 * Each names the operation from the element (a producer brings one) and the timeout; the parks
 * beneath then open the wait as usual ({@link LockSupportInstrumentation}), and the queue
 * method's exit closes it ({@link QueueInstrumentation}).
 */
final class RendezvousInstrumentation implements TypeInstrumentation {
  private static final String LTQ = "java.util.concurrent.LinkedTransferQueue";
  private static final String SQ = "java.util.concurrent.SynchronousQueue";
  private static final String LOCK_SUPPORT = "java.util.concurrent.locks.LockSupport";

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return namedOneOf(LTQ, LTQ + "$DualNode", SQ + "$TransferStack", SQ + "$TransferQueue");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String advice = RendezvousInstrumentation.class.getName();
    transformer.applyAdviceToMethod(
        named("awaitMatch").and(takesArguments(5)).and(isDeclaredBy(named(LTQ))),
        advice + "$AwaitMatchAdvice");
    AsmVisitorWrapper parks =
        MemberSubstitution.relaxed()
            .method(QueueInstrumentation.declaredBy(LOCK_SUPPORT, "setCurrentBlocker", 1))
            .replaceWith(StaticCall.to("setCurrentBlocker", StaticCall.Extra.FIRST_ARGUMENT))
            .method(QueueInstrumentation.declaredBy(LOCK_SUPPORT, "parkNanos", 2))
            .replaceWith(StaticCall.to("parkNanos", StaticCall.Extra.FIRST_ARGUMENT))
            .on(
                named("transfer")
                    .and(takesArguments(3))
                    .and(isDeclaredBy(namedOneOf(SQ + "$TransferStack", SQ + "$TransferQueue"))));
    AsmVisitorWrapper dualNodeBlocker =
        MemberSubstitution.relaxed()
            .method(QueueInstrumentation.declaredBy(LOCK_SUPPORT, "setCurrentBlocker", 1))
            .replaceWith(
                StaticCall.to(
                    "dualNodeBlocker",
                    StaticCall.Extra.FIRST_ARGUMENT,
                    StaticCall.Extra.SECOND_ARGUMENT))
            .on(
                named("await")
                    .and(takesArguments(4))
                    .and(isDeclaredBy(named(LTQ + "$DualNode"))));
    transformer.applyTransformer(
        (builder, type, classLoader, module, protectionDomain) ->
            builder.visit(parks).visit(dualNodeBlocker));
  }

  /** JDK 17: {@code awaitMatch(node, pred, e, timed, nanos)} of {@code LinkedTransferQueue}. */
  @SuppressWarnings("unused")
  public static class AwaitMatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ThreadState enter(
        @Advice.This Object queue,
        @Advice.Argument(2) Object element,
        @Advice.Argument(3) boolean timed) {
      return WaitCalls.transferWait(queue, element != null, timed);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter ThreadState state) {
      if (state != null) {
        BlockedTime.opLeave(state);
      }
    }
  }
}
