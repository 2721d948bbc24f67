package dev.blockedtime.javaagent.grpc;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.extendsClass;
import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;
import static net.bytebuddy.matcher.ElementMatchers.declaresField;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code build()} of the channel builder that holds the interceptor list ({@code
 * io.grpc.internal.ManagedChannelImplBuilder}; wrapping builders such as {@code NettyChannelBuilder}
 * delegate to it): the same builders, the same method and the same list as the agent's own gRPC
 * instrumentation.
 */
final class ChannelBuilderInstrumentation implements TypeInstrumentation {
  @Override
  public ElementMatcher<ClassLoader> classLoaderOptimization() {
    return hasClassesNamed("io.grpc.ManagedChannelBuilder");
  }

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return declaresField(named("interceptors"))
        .and(extendsClass(named("io.grpc.ManagedChannelBuilder")));
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("build").and(takesArguments(0)),
        ChannelBuilderInstrumentation.class.getName() + "$BuildAdvice");
  }

  @SuppressWarnings("unused")
  public static class BuildAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ChannelWaitInterceptor enter(
        @Advice.FieldValue("interceptors") List<ClientInterceptor> interceptors,
        @Advice.FieldValue("target") String target) {
      return ChannelWaitInterceptor.addTo(interceptors, target);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter ChannelWaitInterceptor interceptor, @Advice.Return ManagedChannel channel) {
      if (interceptor != null) {
        interceptor.bind(channel); // null if build() threw
      }
    }
  }
}
