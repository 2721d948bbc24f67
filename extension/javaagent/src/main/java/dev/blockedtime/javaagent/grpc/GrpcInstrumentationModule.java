package dev.blockedtime.javaagent.grpc;

import static io.opentelemetry.javaagent.extension.matcher.AgentElementMatchers.hasClassesNamed;

import dev.blockedtime.bootstrap.Settings;
import dev.blockedtime.javaagent.CoreSetup;
import io.opentelemetry.javaagent.extension.instrumentation.InstrumentationModule;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * gRPC channel readiness: how long calls wait for a ready transport, and the state of every
 * channel. See {@link ChannelWaitInterceptor} for when each hook fires.
 *
 * <p>gRPC lives in the application's class loaders, so everything the advice calls is a helper
 * class that the agent injects into the loader that has gRPC; they are all listed in {@link
 * #getAdditionalHelperClassNames} (there is no muzzle plugin to find them). The helpers share one
 * JVM-wide table of channels, {@link dev.blockedtime.bootstrap.GrpcChannels}, on the bootstrap
 * class path.
 *
 * <p>Named {@code blocked-time} like the other modules, so the agent's switch for this extension
 * covers it; {@code otel.instrumentation.blocked-time.grpc.enabled=false} turns off this part
 * alone.
 */
public final class GrpcInstrumentationModule extends InstrumentationModule {
  public GrpcInstrumentationModule() {
    super("blocked-time", "blocked-time-grpc");
  }

  /**
   * After the agent's own gRPC module (order 0): its advice on {@code build()} has put its tracing
   * interceptor in the list by the time ours runs, so ours can go inside it, where the client
   * span is current.
   */
  @Override
  public int order() {
    return 1;
  }

  @Override
  public ElementMatcher.Junction<ClassLoader> classLoaderMatcher() {
    // StreamInfo-based tracer factories (1.20+); the callbacks the waits need (streamCreated is
    // @since 1.40, createPendingStream) are checked at run time by ChannelWaitInterceptor
    return hasClassesNamed("io.grpc.ManagedChannelBuilder", "io.grpc.ClientStreamTracer$StreamInfo");
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    Settings settings = CoreSetup.settings();
    if (settings == null || !settings.grpc) {
      return Collections.emptyList();
    }
    return Collections.singletonList(new ChannelBuilderInstrumentation());
  }

  /** Every class the advice reaches, nested and anonymous ones included, base classes first. */
  @Override
  public List<String> getAdditionalHelperClassNames() {
    String p = GrpcInstrumentationModule.class.getPackage().getName() + ".";
    return Arrays.asList(
        "dev.blockedtime.javaagent.telemetry.Instruments",
        p + "GrpcTargets",
        p + "GrpcWaitTelemetry",
        p + "GrpcWaitTelemetry$AttributeCache",
        p + "ChannelStateWatcher",
        p + "ChannelWaitInterceptor",
        p + "CallWait",
        p + "StreamWait",
        p + "WaitingCall",
        p + "WaitingCall$WaitingListener");
  }
}
