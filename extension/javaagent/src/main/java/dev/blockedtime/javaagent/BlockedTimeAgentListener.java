package dev.blockedtime.javaagent;

import io.opentelemetry.javaagent.extension.AgentListener;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

/**
 * Starts recording once the agent's SDK is installed. The agent loads this class before the
 * bootstrap core exists, so it must not mention any core type; {@link Startup} does the work.
 */
public final class BlockedTimeAgentListener implements AgentListener {
  @Override
  public void afterAgent(AutoConfiguredOpenTelemetrySdk sdk) {
    Startup.startRecording();
  }
}
