package dev.blockedtime.javaagent;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import java.util.Collections;

/**
 * The earliest hook the agent offers an extension: it runs while the SDK is configured, before any
 * instrumentation module is loaded, and sees the agent's configuration (system properties,
 * environment variables, configuration file) under the usual key normalization.
 */
public final class BlockedTimeAutoConfiguration implements AutoConfigurationCustomizerProvider {
  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    customizer.addPropertiesCustomizer(
        config -> {
          Startup.configure(config::getString);
          return Collections.emptyMap();
        });
  }

  @Override
  public int order() {
    return Integer.MIN_VALUE; // before anything that might construct instrumented classes
  }
}
