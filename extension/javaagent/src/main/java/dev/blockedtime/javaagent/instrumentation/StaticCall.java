package dev.blockedtime.javaagent.instrumentation;

import dev.blockedtime.bootstrap.WaitCalls;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.constant.TextConstant;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;
import net.bytebuddy.pool.TypePool;

/**
 * A member substitution that replaces a call with a static call to a {@link WaitCalls} method,
 * which takes the replaced call's receiver and arguments as they are on the stack, then the
 * {@link Extra}s of the method the call is in.
 */
final class StaticCall implements MemberSubstitution.Substitution.Factory<MemberSubstitution.Target> {
  /** What the enclosing method adds after the call's own arguments. */
  enum Extra {
    /** {@code this}: the queue. */
    THIS,
    /** The method's name, a constant: the operation. */
    METHOD_NAME,
    /** The method's first argument (the element of a rendezvous queue's transfer). */
    FIRST_ARGUMENT,
    /** The method's second argument (the timeout of JDK 25's {@code DualNode.await}). */
    SECOND_ARGUMENT
  }

  private final MethodDescription target;
  private final Extra[] extras;

  private StaticCall(MethodDescription target, Extra[] extras) {
    this.target = target;
    this.extras = extras;
  }

  /** The {@link WaitCalls} method named {@code name} (there is one of each name). */
  static StaticCall to(String name, Extra... extras) {
    for (Method m : WaitCalls.class.getMethods()) {
      if (m.getName().equals(name)) {
        return new StaticCall(new MethodDescription.ForLoadedMethod(m), extras);
      }
    }
    throw new IllegalArgumentException("no WaitCalls." + name);
  }

  @Override
  public MemberSubstitution.Substitution<MemberSubstitution.Target> make(
      TypeDescription instrumentedType, MethodDescription instrumentedMethod, TypePool typePool) {
    List<StackManipulation> code = new ArrayList<>();
    for (Extra extra : extras) {
      switch (extra) {
        case THIS:
          code.add(MethodVariableAccess.loadThis());
          break;
        case METHOD_NAME:
          code.add(new TextConstant(instrumentedMethod.getInternalName()));
          break;
        case FIRST_ARGUMENT:
          code.add(MethodVariableAccess.load(instrumentedMethod.getParameters().get(0)));
          break;
        case SECOND_ARGUMENT:
          code.add(MethodVariableAccess.load(instrumentedMethod.getParameters().get(1)));
          break;
      }
    }
    code.add(MethodInvocation.invoke(target));
    StackManipulation replacement = new StackManipulation.Compound(code);
    return (member, parameters, result, handle, original, freeOffset) -> replacement;
  }
}
